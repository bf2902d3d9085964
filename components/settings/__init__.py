"""The stack's settings: read once, validated, frozen. Imports no resource SDK (pulumi_aws, pulumi_kubernetes)."""
