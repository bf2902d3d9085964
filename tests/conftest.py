"""Fixtures shared by several test files, registered once instead of imported into each."""

pytest_plugins = ["aws_standin", "verify_stack", "verify_sign_in_stack"]
