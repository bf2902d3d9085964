"""The stand-ins of the local-servers level, for its tests only: moto's server (AWS), the HTTPS stand-ins for
Kong, Cognito and the identity providers with their certificates, and the sign-in stack on both.

Session-scoped: each worker that runs a test needing one starts it once; a worker that runs none of these
tests neither starts nor imports moto or trustme (the fixtures import them when first used).
"""

from aws_standin import botocore_data_read_once, moto_endpoint_fixture
from verify_sign_in_stack import admin_fixture, passwords_fixture, pool_fixture, sign_in_stack_fixture
from verify_stack import (
    certificates_fixture,
    hosted_ui_fixture,
    idp_fixture,
    kong_fixture,
    no_ambient_network_settings_fixture,
    stack_fixture,
    stack_folder_fixture,
)

__all__ = [
    "admin_fixture",
    "botocore_data_read_once",
    "certificates_fixture",
    "hosted_ui_fixture",
    "idp_fixture",
    "kong_fixture",
    "moto_endpoint_fixture",
    "no_ambient_network_settings_fixture",
    "passwords_fixture",
    "pool_fixture",
    "sign_in_stack_fixture",
    "stack_fixture",
    "stack_folder_fixture",
]
