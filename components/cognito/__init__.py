"""The AWS side of the sign-in as Pulumi components: pool, clients, providers. Imports pulumi_aws, never Kubernetes'."""
