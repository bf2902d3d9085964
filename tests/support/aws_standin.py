"""AWS for the tests: one moto server per test run, and botocore's data files read once.

Registered in tests/local_servers/conftest.py; a test asks for `moto_endpoint` (AWS_ENDPOINT_URL for boto3).
"""

from __future__ import annotations

import functools
import json
import logging
import sys
import threading
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import botocore.loaders
import botocore.session
import pytest


@pytest.fixture(scope="session", autouse=True)
def botocore_data_read_once() -> Iterator[None]:
    """Every boto3 session in a test run shares one loader of AWS's service models, as doctor_checks/aws.py's do.

    verify.py makes a session per run, which re-reads about 2 MB of JSON (~0.2 s); the tests run it
    dozens of times. The loader holds no credentials or settings, only the parsed files.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(botocore.session, "create_loader", functools.cache(botocore.loaders.create_loader))
        yield


@pytest.fixture(scope="session", name="moto_endpoint")
def moto_endpoint_fixture() -> Iterator[str]:
    """moto's server on 127.0.0.1, as moto.server.ThreadedMotoServer runs it, started once per test run.

    moto keeps its state per process: fixtures that create AWS resources delete what tests add.
    ThreadedMotoServer's stop waits out a half-second poll; this one stops within 10 ms.
    """
    # Imported here: a worker that runs no test against AWS never pays for moto (~0.3 s).
    import moto.acm.models
    import moto.cognitoidp.models
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    app = DomainDispatcherApplication(create_backend_app)
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=MotoRequestHandler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(moto.cognitoidp.models, "jwk", _signing_key_imported_once(moto.cognitoidp.models.jwk))
        _certificates_share_a_key(patch, moto.acm.models.CertBundle)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_port}"
        finally:
            server.shutdown()
            server.server_close()
            thread.join()


def _certificates_share_a_key(patch: pytest.MonkeyPatch, bundle: Any) -> None:
    """moto's ACM makes a 2048-bit RSA key for each certificate requested and loads it back with a consistency
    check: ~60 ms a certificate. Here the certificates it issues share one key (other callers still get a new
    one), and a key is loaded (and checked) once; the certificates themselves (names, ARNs, status, validation
    records) are each their own as before."""
    from cryptography.hazmat.primitives.asymmetric import rsa

    generate_private_key = rsa.generate_private_key
    validate_pk = bundle.validate_pk

    @functools.cache
    def private_key(public_exponent: int, key_size: int) -> Any:
        return generate_private_key(public_exponent=public_exponent, key_size=key_size)

    def shared_private_key(public_exponent: int, key_size: int, backend: Any = None) -> Any:
        if sys._getframe(1).f_globals.get("__name__") != bundle.__module__:
            return generate_private_key(public_exponent=public_exponent, key_size=key_size)
        return private_key(public_exponent, key_size)

    loaded: dict[bytes, Any] = {}

    def validate_pk_once(self: Any) -> Any:
        if self.key not in loaded:
            loaded[self.key] = validate_pk(self)
        return loaded[self.key]

    patch.setattr(rsa, "generate_private_key", shared_private_key)
    patch.setattr(bundle, "validate_pk", validate_pk_once)


def _signing_key_imported_once(jwk: Any) -> SimpleNamespace:
    """joserfc's `jwk` as moto's Cognito sees it, with the key it signs tokens with imported once.

    moto gives every user pool the same key (its jwks-private.json) and imports it again for each
    (`CognitoIdpUserPool.__init__`), which recovers the RSA primes: ~0.1 s a pool, over a tenth of the
    suite's CPU. The same key, imported once, is what every pool signs with either way.
    """
    imported: dict[str, Any] = {}

    def import_key(data: Any, *args: Any, **kwargs: Any) -> Any:
        if args or kwargs or not isinstance(data, dict):
            return jwk.RSAKey.import_key(data, *args, **kwargs)
        text = json.dumps(data, sort_keys=True)
        if text not in imported:
            imported[text] = jwk.RSAKey.import_key(data)
        return imported[text]

    return SimpleNamespace(RSAKey=SimpleNamespace(import_key=import_key))
