"""`make doctor`'s read-only checks of what the stack needs from the world, one module per family.

`world` is what the checks look at outside AWS and the cluster (replaced in tests), `stack_config`
reads the stack's settings (through the Pulumi CLI, else with `stack_files`, which `make check`
uses too), `tools`, `aws`, `cluster`, `routes` (with `http_routes` for a route's HTTPRoute, and
`route_hints` for what both tell the user to change), `kic_events` (what the Kong Ingress Controller
said about the stack's objects), `dns` and `identity_providers` are the checks, `access` says who
can get in, and `cli` runs them in order and prints one line per check
(verification's `CheckLine`, as verify.py prints). It imports no Pulumi: it validates the settings with
components/settings/ and reads the cluster through components/kubernetes/, as the program does.
"""
