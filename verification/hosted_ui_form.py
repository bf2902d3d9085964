"""Reading the classic hosted UI's sign-in form the way a browser without scripts would.

What the code relies on in Cognito's classic hosted UI page (/login), from AWS's description of
the login endpoint and from public clients of the page (docs/verify.md):

- a `<form>` named `cognitoSignInForm` with `method="post"`; the page holds it twice (large and
  small screens), the first complete one is used;
- its `action` is /login on the hosted UI's own host with the authorize request's query
  (client_id, redirect_uri, response_type, scope, state, ...);
- a hidden `_csrf` input whose value equals the `XSRF-TOKEN` cookie that the page's answer
  sets: Cognito refuses a POST whose two values differ;
- `username` and `password` inputs, and a submit input `signInSubmitButton`;
- `cognitoAsfData`: filled by the page's script (threat protection's device data) in a
  browser; sent empty when the form has no such input, as script-less clients do.

A successful POST answers with a redirect to redirect_uri?code=...&state=...; a refused one
shows the page again with the reason in `#loginErrorMessage`.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin

from bs4 import BeautifulSoup, Tag

from verification.url_parts import origin

FORM_NAME = "cognitoSignInForm"
CSRF_FIELD = "_csrf"
CSRF_COOKIE = "XSRF-TOKEN"
USERNAME_FIELD = "username"
PASSWORD_FIELD = "password"
SUBMIT_BUTTON = "signInSubmitButton"
ASF_FIELD = "cognitoAsfData"
NOT_RECOGNISED = "sign-in form not recognised"


class FormNotRecognisedError(Exception):
    """The page is not the sign-in page this code knows; the message says what is missing."""


@dataclass(frozen=True)
class SignInForm:
    action: str
    # What a browser sends besides the username and password: hidden inputs and the clicked button.
    fields: tuple[tuple[str, str], ...]
    csrf: str

    def submission(self, username: str, password: str) -> list[tuple[str, str]]:
        return [*self.fields, (USERNAME_FIELD, username), (PASSWORD_FIELD, password)]


def _attribute(tag: Tag, name: str) -> str:
    value = tag.get(name)
    if isinstance(value, list):
        return " ".join(value)
    return value or ""


def _inputs(form: Tag) -> list[Tag]:
    return [tag for tag in form.find_all("input") if isinstance(tag, Tag) and _attribute(tag, "name")]


def _is_complete(form: Tag) -> bool:
    names = {_attribute(tag, "name") for tag in _inputs(form)}
    return {CSRF_FIELD, USERNAME_FIELD, PASSWORD_FIELD} <= names


def read_sign_in_form(html: str, page_url: str) -> SignInForm:
    """The sign-in form of the hosted UI page at `page_url`; FormNotRecognisedError otherwise."""
    soup = BeautifulSoup(html, "html.parser")
    forms = [form for form in soup.find_all("form") if isinstance(form, Tag)]
    named = [form for form in forms if _attribute(form, "name") == FORM_NAME]
    complete = [form for form in named or forms if _is_complete(form)]
    if not complete:
        found = f"a form named {FORM_NAME}" if named else f"{len(forms)} form(s), none named {FORM_NAME}"
        raise FormNotRecognisedError(
            f"{NOT_RECOGNISED}: found {found}, without the inputs {CSRF_FIELD}, {USERNAME_FIELD} and {PASSWORD_FIELD}"
        )
    form = complete[0]
    if _attribute(form, "method").lower() != "post":
        raise FormNotRecognisedError(f"{NOT_RECOGNISED}: its method is {_attribute(form, 'method') or 'GET'!r}")
    action = urljoin(page_url, _attribute(form, "action"))
    # The password goes only where the page came from.
    if origin(action) != origin(page_url):
        raise FormNotRecognisedError(f"{NOT_RECOGNISED}: its action posts to another host ({origin(action)[1]})")
    fields: list[tuple[str, str]] = []
    csrf = ""
    for tag in _inputs(form):
        name, kind = _attribute(tag, "name"), _attribute(tag, "type").lower()
        if name in (USERNAME_FIELD, PASSWORD_FIELD):
            continue
        if kind == "hidden":
            fields.append((name, _attribute(tag, "value")))
            csrf = _attribute(tag, "value") if name == CSRF_FIELD else csrf
        elif kind == "submit" and name == SUBMIT_BUTTON:
            fields.append((name, _attribute(tag, "value")))
    if not csrf:
        raise FormNotRecognisedError(f"{NOT_RECOGNISED}: its {CSRF_FIELD} input is empty or not hidden")
    if ASF_FIELD not in {name for name, _ in fields}:
        fields.append((ASF_FIELD, ""))
    return SignInForm(action, tuple(fields), csrf)


def page_error(html: str) -> str | None:
    """The reason the hosted UI shows on a refused sign-in, e.g. 'Incorrect username or password.'"""
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup.select("#loginErrorMessage, .errorMessage-customizable"):
        text = " ".join(tag.get_text(" ").split())
        if text:
            return text[:200]
    return None
