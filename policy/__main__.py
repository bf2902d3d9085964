"""The policy pack `pulumi preview --policy-pack policy` runs; the policies live in kong_cognito_policies."""

from kong_cognito_policies import PACK_NAME, POLICIES
from pulumi_policy import PolicyPack

# Serves the policies to the Pulumi engine until the engine stops this process.
PolicyPack(name=PACK_NAME, policies=POLICIES)
