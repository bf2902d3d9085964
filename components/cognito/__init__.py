"""Everything on the AWS side of the sign-in, as Pulumi components. Imports pulumi_aws, never pulumi_kubernetes."""
