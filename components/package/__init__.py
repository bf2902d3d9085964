"""The component package: KongCognitoSignIn, its PluginAttachment and the plugin serving both (every SDK)."""
