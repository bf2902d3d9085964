"""The Pulumi program's building blocks, in five packages and a few shared modules.

- `settings/`: the stack's keys read once, validated, frozen (Pulumi only in pulumi_config.py, no resource SDK);
- `cognito/`: the AWS side (pulumi_aws, never pulumi_kubernetes);
- `kong/`: the KongPlugins and their config per route (pulumi_kubernetes, never pulumi_aws);
- `kubernetes/`: route objects by kind, the plugin annotation, the kubeconfig (no Pulumi at all);
- `package/`: the component package KongCognitoSignIn, which other programs use (Pulumi and every SDK);
- `vocabulary`, `naming`, `urls` (no Pulumi), `stack_outputs`, `builder` (what the stack and the package
  declare) with `settings_view`, and `ingress_plugin_attachment`, whose provider deployed stacks load from this path.
tests/repository/test_code_layout.py holds each package to its imports.
"""
