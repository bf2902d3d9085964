"""Reading the classic hosted UI's sign-in form (verification/hosted_ui_form.py), page by page."""

from __future__ import annotations

import pytest
from sign_in_standins import INCORRECT, classic_login_page

from verification.hosted_ui_form import FormNotRecognisedError, page_error, read_sign_in_form

PAGE_URL = "https://d.auth.eu-west-1.amazoncognito.com/login?client_id=c&state=s"
QUERY = "client_id=c&redirect_uri=https%3A%2F%2Fa.example.com%2Fbar&response_type=code&state=s"


def test_the_classic_page_is_read_as_a_browser_submits_it() -> None:
    form = read_sign_in_form(classic_login_page(QUERY, "tok3n"), PAGE_URL)
    assert form.action == "https://d.auth.eu-west-1.amazoncognito.com/login?" + QUERY
    assert form.csrf == "tok3n"
    assert form.submission("u@example.com", "pw") == [
        ("_csrf", "tok3n"),
        ("signInSubmitButton", "Sign in"),
        ("cognitoAsfData", ""),
        ("username", "u@example.com"),
        ("password", "pw"),
    ]


def test_a_hidden_cognito_asf_data_input_is_sent_as_the_page_has_it() -> None:
    page = classic_login_page(QUERY, "t").replace(
        '<input type="hidden" name="_csrf"',
        '<input type="hidden" name="cognitoAsfData" value="eyJhc2YiOjF9"/><input type="hidden" name="_csrf"',
    )
    fields = read_sign_in_form(page, PAGE_URL).fields
    assert fields.count(("cognitoAsfData", "eyJhc2YiOjF9")) == 1
    assert [name for name, _ in fields].count("cognitoAsfData") == 1


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (
            ('action="/login?', 'action="https://evil.example.net/login?'),
            "its action posts to another host (evil.example.net)",
        ),
        # The right host (and port), but over plain HTTP.
        (('action="/login?', 'action="http://d.auth.eu-west-1.amazoncognito.com/login?'), "its action posts to"),
        (('action="/login?', 'action="http://d.auth.eu-west-1.amazoncognito.com:443/login?'), "its action posts to"),
        (('method="post"', 'method="get"'), "its method is 'get'"),
        (('name="_csrf"', 'name="csrf"'), "found a form named cognitoSignInForm, without the inputs _csrf"),
        (('type="hidden" name="_csrf" value="t"', 'type="text" name="_csrf" value="t"'), "its _csrf input is empty"),
    ],
)
def test_a_changed_page_is_not_recognised(change: tuple[str, str], reason: str) -> None:
    page = classic_login_page(QUERY, "t").replace(*change)
    with pytest.raises(FormNotRecognisedError) as error:
        read_sign_in_form(page, PAGE_URL)
    assert str(error.value).startswith("sign-in form not recognised: ")
    assert reason in str(error.value)


def test_an_unnamed_form_with_the_same_inputs_is_still_read() -> None:
    page = classic_login_page(QUERY, "t").replace('name="cognitoSignInForm" ', "")
    assert read_sign_in_form(page, PAGE_URL).csrf == "t"


def test_cognitos_reason_for_a_refused_sign_in_is_read() -> None:
    assert page_error(classic_login_page(QUERY, "t", INCORRECT)) == "Incorrect username or password."
    assert page_error(classic_login_page(QUERY, "t")) is None
