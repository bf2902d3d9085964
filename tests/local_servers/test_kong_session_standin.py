"""The Kong stand-in's sessions behave as lua-resty-session's (tests/support/sign_in_standins.py says which parts).

`verify.py --sign-in`'s sign-out checks are only as good as this model: a cookie session outlives
sign-out in a copied cookie, a Redis session does not.
"""

from __future__ import annotations

from typing import Any

import pytest
from oidc_servers import Request
from sign_in_standins import SESSION_HEADER_LENGTH, KongStandIn, opaque_refresh_token, unsigned_jwt

TOKENS = {
    "id_token": unsigned_jwt({"email": "a@example.com", "sub": "1"}),
    "access_token": unsigned_jwt({"scope": "openid"}),
    "refresh_token": opaque_refresh_token(),
}


def kong(storage: str, prefix: str = "") -> KongStandIn:
    stand_in: Any = None  # the sessions need neither server
    return KongStandIn(stand_in, stand_in, stand_in, "secret", session_storage=storage, redis_prefix=prefix)


def cookies_of(set_cookies: tuple[str, ...]) -> dict[str, str]:
    return dict(cookie.split(";")[0].split("=", 1) for cookie in set_cookies)


def sign_out(stand_in: KongStandIn, cookies: dict[str, str]) -> dict[str, str]:
    """What the browser holds after Kong's sign-out answer (cleared cookies gone)."""
    stand_in.cognito = type("Cognito", (), {"client_id": "c", "server": type("S", (), {"url": lambda *a: "u"})()})()
    reply = stand_in.sign_out(Request("GET", "/bar/logout", {}, {}, cookies, {}), "https://x/signed-out")
    cleared = {cookie.split("=")[0] for cookie in reply.cookies if "Max-Age=0" in cookie}
    return {name: value for name, value in cookies.items() if name not in cleared}


def test_a_cookie_session_carries_its_data_in_chunks_of_at_most_4096_bytes() -> None:
    stand_in = kong("cookie")
    big = {**TOKENS, "id_token": unsigned_jwt({"email": "a@example.com", "padding": "x" * 2500})}
    set_cookies = stand_in.save_session(big)
    assert [cookie.split("=")[0] for cookie in set_cookies] == ["session", "session2"]
    assert all(len(cookie.split(";")[0]) <= 4096 for cookie in set_cookies)
    assert stand_in.open_session(cookies_of(set_cookies)) == big
    assert stand_in.redis == {}
    with pytest.raises(ValueError, match="cookie size limit exceeded"):
        stand_in.save_session({"id_token": "x" * 40000})


def test_a_copied_cookie_session_still_opens_after_sign_out() -> None:
    stand_in = kong("cookie")
    cookies = cookies_of(stand_in.save_session(TOKENS))
    assert sign_out(stand_in, cookies) == {}  # the browser's copy is cleared
    assert stand_in.open_session(cookies) == TOKENS  # a copy taken before still opens


def test_a_redis_session_is_a_110_character_cookie_and_ends_at_sign_out() -> None:
    stand_in = kong("redis", prefix="shop")
    set_cookies = stand_in.save_session(TOKENS)
    cookies = cookies_of(set_cookies)
    assert list(cookies) == ["session"] and len(cookies["session"]) == SESSION_HEADER_LENGTH
    [key] = stand_in.redis
    assert key.startswith("shop:session:")
    assert stand_in.open_session(cookies) == TOKENS

    assert sign_out(stand_in, cookies) == {}
    assert stand_in.redis == {}
    assert stand_in.open_session(cookies) is None  # the old cookie no longer opens


def test_a_cookie_sealed_with_another_secret_or_edited_does_not_open() -> None:
    stand_in = kong("cookie")
    cookies = cookies_of(stand_in.save_session(TOKENS, secret=b"another node" * 3))
    assert stand_in.open_session(cookies) is None
    cookies = cookies_of(stand_in.save_session(TOKENS))
    edited = cookies["session"][:-4] + ("AAAA" if not cookies["session"].endswith("AAAA") else "BBBB")
    assert stand_in.open_session({"session": edited}) is None
    assert stand_in.open_session({}) is None
