"""URL building: what Kong, Cognito and the browser are given."""

from urllib.parse import parse_qs, urlsplit

from components import urls


def test_callback_url_is_https_on_the_data_plane_host() -> None:
    assert urls.callback_url("lb.example.com", "/bar") == "https://lb.example.com/bar"
    assert urls.callback_url("lb.example.com:8443", "/a/b") == "https://lb.example.com:8443/a/b"


def test_issuer_and_discovery_urls_follow_cognitos_layout() -> None:
    assert (
        urls.issuer_url("eu-central-1", "eu-central-1_Abc")
        == "https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_Abc"
    )
    assert (
        urls.discovery_url("eu-central-1", "eu-central-1_Abc")
        == "https://cognito-idp.eu-central-1.amazonaws.com/eu-central-1_Abc/.well-known/openid-configuration"
    )


def test_hosted_ui_domain() -> None:
    assert urls.hosted_ui_domain("shop-login", "us-east-1") == "shop-login.auth.us-east-1.amazoncognito.com"


def test_login_url_carries_the_authorization_code_request_encoded() -> None:
    login = urls.login_url(
        "shop-login.auth.us-east-1.amazoncognito.com",
        "client123",
        "https://lb.example.com:8443/bar?",
        ["openid", "email"],
    )
    parts = urlsplit(login)
    assert (parts.scheme, parts.netloc, parts.path) == (
        "https",
        "shop-login.auth.us-east-1.amazoncognito.com",
        "/login",
    )
    assert parse_qs(parts.query) == {
        "client_id": ["client123"],
        "response_type": ["code"],
        "scope": ["openid email"],
        "redirect_uri": ["https://lb.example.com:8443/bar?"],
    }
    assert "redirect_uri=https%3A%2F%2Flb.example.com%3A8443%2Fbar%3F" in login
