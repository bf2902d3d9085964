"""The cluster: route objects by kind, the plugin annotation, the kubeconfig. Imports no Pulumi at all."""
