"""Kong's side: the KongPlugin resource and the openid-connect config per route. No pulumi_aws here."""
