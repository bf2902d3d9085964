"""verify's HTTP client: a URL that cannot be requested is a check's failure, never a traceback."""

from __future__ import annotations

import pytest

from verification.http_client import Client, FetchError


def test_a_url_that_does_not_parse_is_a_fetch_error_without_its_query() -> None:
    client = Client(insecure_urls=[], timeout=1)
    with pytest.raises(FetchError) as raised:
        client.get("https://[::1/callback?code=one-time-code&state=s")
    message = str(raised.value)
    assert message.startswith("not a valid URL: https://[::1/callback")
    assert "one-time-code" not in message
