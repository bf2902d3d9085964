"""Building blocks of the kong-cognito-oidc stack, one concern per module."""
