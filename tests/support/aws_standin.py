"""AWS for the tests: one moto server per test run, and botocore's data files read once.

Registered in tests/local_servers/conftest.py; a test asks for `moto_endpoint` (AWS_ENDPOINT_URL for boto3).
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Iterator

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
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    app = DomainDispatcherApplication(create_backend_app)
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=MotoRequestHandler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
