"""verify.py's checks of a deployed stack, one module per family of checks.

`outputs` reads the stack outputs, `http_client` makes the requests, `discovery`,
`protected_route` and `sign_out` are the checks without a user, `sign_in` (with
`hosted_ui_form` and `cognito_users`) is `--sign-in`, and `cli` runs them and prints one line per check.
It imports no Pulumi: it reads only what the stack exported (and components/vocabulary.py's words).
"""
