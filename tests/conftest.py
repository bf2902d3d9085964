"""Fixtures shared by several test files, registered once instead of imported into each."""

pytest_plugins = ["verify_stack", "verify_sign_in_stack", "cluster_backends"]
