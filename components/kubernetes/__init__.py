"""The cluster: route objects by kind, the plugin annotation, the kubeconfig, over the official client. No Pulumi."""
