"""`--sign-in` with Redis sessions: after sign-out, the session cookie from before it no longer opens the route.

The Kong stand-in keeps sessions as lua-resty-session does (tests/support/sign_in_standins.py):
in Redis, sign-out deletes the session; in the cookie, a copy of it outlives sign-out.
"""

from __future__ import annotations

import pytest
from verify_sign_in_stack import SignInStack, check_names, sign_in_lines
from verify_stack import failures


def redis_sessions(sign_in_stack: SignInStack) -> None:
    sign_in_stack.kong.session_storage = "redis"
    sign_in_stack.stack.outputs["sessions"] = {"storage": "redis"}


def test_with_redis_sessions_sign_out_ends_the_session(
    sign_in_stack: SignInStack, capsys: pytest.CaptureFixture[str]
) -> None:
    redis_sessions(sign_in_stack)
    code, lines, _ = sign_in_stack.stack.run(capsys, "--sign-in")
    assert code == 0, lines
    added = sign_in_lines(lines)
    assert "PASS session ended demo (default)" in check_names(added)
    assert "PASS session ended shop (shop)" in check_names(added)
    ended = next(line for line in added if line.startswith("PASS session ended demo"))
    assert ended.endswith("the session cookie from before sign-out is sent to sign-in: the session ended")
    assert sign_in_stack.kong.redis == {}  # every session deleted at sign-out
    # Served after sign-in and to the cookie alone, never to the old cookie.
    assert len(sign_in_stack.kong.upstream_calls) == 4


def test_a_redis_session_left_behind_at_sign_out_fails(
    sign_in_stack: SignInStack, capsys: pytest.CaptureFixture[str]
) -> None:
    redis_sessions(sign_in_stack)
    sign_in_stack.kong.deletes_stored_session = False
    code, lines, _ = sign_in_stack.stack.run(capsys, "--sign-in")
    assert code == 1
    kong = sign_in_stack.stack.kong
    assert failures(lines)[0] == (
        "FAIL session ended demo (default): the session cookie from before sign-out still opens the route "
        f"(200 OK at {kong.url('/bar')}), though sessions are in Redis: sign-out did not delete the session there "
        "(is Kong's plugin configured with session_storage redis?)"
    )
    # The browser's own cookie was cleared: that check cannot tell.
    assert "PASS signed out demo (default)" in check_names(sign_in_lines(lines))


def test_a_cookie_session_too_large_for_one_cookie_is_chunked_and_still_works(
    sign_in_stack: SignInStack, capsys: pytest.CaptureFixture[str]
) -> None:
    # Cognito's tokens vary in size (AWS: "Your app must be able to store tokens of varying sizes").
    original = sign_in_stack.kong.save_session

    def with_large_tokens(data: dict[str, str], secret: bytes | None = None) -> tuple[str, ...]:
        return original({**data, "large": "x" * 6000}, secret)

    sign_in_stack.kong.save_session = with_large_tokens  # type: ignore[method-assign]
    code, lines, _ = sign_in_stack.stack.run(capsys, "--sign-in")
    assert code == 0, lines
    signed_in = next(line for line in sign_in_lines(lines) if line.startswith("PASS sign-in demo"))
    assert "Kong set session, session2, session3 and served 200 OK" in signed_in
