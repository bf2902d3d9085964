"""The component package: KongCognitoSignIn, its PluginAttachment, the plugin serving both (Pulumi, every SDK)."""
