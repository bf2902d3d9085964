"""Kong's side: the KongPlugin resource, the openid-connect config per route. Imports pulumi_kubernetes, never AWS's."""
