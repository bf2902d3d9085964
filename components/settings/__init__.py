"""The stack's settings, read once, validated, frozen. No resource SDK; Pulumi itself only in pulumi_config.py."""
