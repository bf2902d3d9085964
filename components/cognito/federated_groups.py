"""Groups for federated users: their provider's groups reach `cognito:groups`, which Kong's group gate reads.

A federated user arrives without Cognito groups. Each provider with a `groupsAttribute` maps that
attribute to the pool's custom attribute `custom:idp_groups`, and a pre token generation trigger
(event version V1_0, offered by every feature plan, Lite included) adds its groups to the
`cognito:groups` claim (federated_groups_trigger/handler.py). V1_0 changes only the ID
token, except `groupOverrideDetails`, which AWS applies to the access token too: the token Kong's
groups_required reads.
Declared only when `allowedGroups` is set and a provider has a `groupsAttribute`.

Who can write `custom:idp_groups`: Cognito writes a federated user's mapped attributes through the
browser client, so the client's write_attributes must list it. A user could write it with
UpdateUserAttributes, which takes an access token with the `aws.cognito.signin.user.admin` scope.
The hosted UI grants that scope only if `scopes` asks for it, which the settings refuse along with
this mechanism. Tokens from the API sign-in (InitiateAuth) always carry it, but the client allows
ALLOW_REFRESH_TOKEN_AUTH only (a refresh keeps the first sign-in's scopes), and a federated user
cannot sign in through InitiateAuth at all (Cognito's API reference). A local user who writes it
(at SignUp, say) gains nothing: the trigger trusts only users whose `identities`, which Cognito
alone writes, names a provider that maps it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pulumi
from pulumi_aws import iam, lambda_

from components import naming
from components.cognito.federated_groups_trigger import handler

# Defined with the settings, which refuse what would let users write the attribute.
from components.settings.model import CUSTOM_ATTRIBUTE, GROUPS_ATTRIBUTE

# Custom attributes hold at most 2048 characters, and Cognito refuses a sign-in whose value is longer.
GROUPS_ATTRIBUTE_MAX_LENGTH = 2048
TRIGGER_VERSION = "V1_0"
RUNTIME = "python3.13"
HANDLER_FILE = Path(handler.__file__)
# Logs only: the function reads nothing but its event.
BASIC_EXECUTION_POLICY = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
LAMBDA_TRUST_POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}


def groups_attribute_schema() -> dict[str, Any]:
    """The custom attribute in the pool's schema. Mutable: Cognito rewrites it at every federated sign-in.

    Adding it to an existing pool is an in-place update (AddCustomAttributes); Cognito can
    never remove or change it afterwards, so the pool ignores its schema once it is gone from here.
    """
    return {
        "name": CUSTOM_ATTRIBUTE,
        "attribute_data_type": "String",
        "mutable": True,
        "required": False,
        "developer_only_attribute": False,
        "string_attribute_constraints": {"min_length": "0", "max_length": str(GROUPS_ATTRIBUTE_MAX_LENGTH)},
    }


class FederatedGroups(pulumi.ComponentResource):
    """The trigger's function and its role; `allow_invocation_by` lets the pool call it."""

    function_arn: pulumi.Output[str]

    def __init__(
        self, name: str, region: str, providers: Sequence[str], opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__(naming.FEDERATED_GROUPS_TYPE, name, None, opts)
        self._name, self._region = name, region
        child = pulumi.ResourceOptions(parent=self)

        role = iam.Role(naming.child(name, "role"), assume_role_policy=json.dumps(LAMBDA_TRUST_POLICY), opts=child)
        basic_execution = iam.RolePolicyAttachment(
            naming.child(name, "basic-execution"), role=role.name, policy_arn=BASIC_EXECUTION_POLICY, opts=child
        )
        function = lambda_.Function(
            naming.child(name, "function"),
            region=region,
            runtime=RUNTIME,
            handler="handler.handler",
            role=role.arn,
            code=pulumi.AssetArchive({HANDLER_FILE.name: pulumi.FileAsset(str(HANDLER_FILE))}),
            environment={
                "variables": {
                    handler.GROUPS_ATTRIBUTE_ENV: GROUPS_ATTRIBUTE,
                    handler.PROVIDERS_ENV: json.dumps(list(providers)),
                }
            },
            # Cognito waits at most 5 seconds for a trigger.
            timeout=5,
            memory_size=128,
            # Its first sign-in can already write its logs.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[basic_execution]),
        )
        self.function_arn = function.arn
        self._function_name = function.name
        self.register_outputs({"functionArn": self.function_arn})

    def allow_invocation_by(self, user_pool_arn: pulumi.Input[str]) -> lambda_.Permission:
        """Cognito may invoke the function, for this pool only."""
        return lambda_.Permission(
            naming.child(self._name, "invoke-permission"),
            region=self._region,
            action="lambda:InvokeFunction",
            function=self._function_name,
            principal="cognito-idp.amazonaws.com",
            source_arn=user_pool_arn,
            opts=pulumi.ResourceOptions(parent=self),
        )
