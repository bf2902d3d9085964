"""Stand-in for the `random` resource provider (pulumi-random 4.21.4): RandomId and RandomPassword.

Why a stand-in: the Go module proxy these machines reach does not serve pulumi-random's
provider module (github.com/pulumi/pulumi-random/provider/v4) at any version.

What it mirrors, for the two types the program declares: the input and output names of the
pulumi-random 4.21.4 Python SDK; every input replaces (terraform-provider-random marks each
attribute of random_id and random_password RequiresReplace); `result` and `bcryptHash` of a
password are secrets; the id of a RandomId is its `b64Url`, of a RandomPassword "none".
What it does not: other types, `keepers` semantics beyond "a change replaces", and the exact
character-class guarantees (min_* inputs) of a password.
"""

from __future__ import annotations

import base64
import secrets
import string

from standin_provider import Props, ResourceType, StandInProvider, serve

VERSION = "4.21.4"


def create_id(props: Props) -> tuple[str, Props]:
    raw = secrets.token_bytes(int(props["byteLength"]))
    prefix = props.get("prefix") or ""
    b64_url = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    outputs = {
        "hex": prefix + raw.hex(),
        "b64Url": prefix + b64_url,
        "b64Std": prefix + base64.standard_b64encode(raw).decode(),
        "dec": prefix + str(int.from_bytes(raw, "big")),
    }
    return outputs["b64Url"], outputs


def create_password(props: Props) -> tuple[str, Props]:
    alphabet = ""
    if props.get("lower", True):
        alphabet += string.ascii_lowercase
    if props.get("upper", True):
        alphabet += string.ascii_uppercase
    if props.get("numeric", True):
        alphabet += string.digits
    if props.get("special", True):
        alphabet += props.get("overrideSpecial") or "!@#$%&*()-_=+[]{}<>:?"
    result = "".join(secrets.choice(alphabet) for _ in range(int(props["length"])))
    # The provider's bcrypt hash; only its presence and secrecy matter here.
    return "none", {"result": result, "bcryptHash": "$2a$10$" + secrets.token_urlsafe(40)}


def unchanged(resource_id: str, props: Props) -> Props:
    return {}


def nothing_to_update(resource_id: str, olds: Props, news: Props) -> Props:
    return {}


def nothing_to_delete(resource_id: str, props: Props) -> None:
    return None


ID_INPUTS = frozenset({"byteLength", "keepers", "prefix"})
PASSWORD_INPUTS = frozenset(
    {
        "length",
        "keepers",
        "lower",
        "upper",
        "numeric",
        "number",
        "special",
        "overrideSpecial",
        "minLower",
        "minUpper",
        "minNumeric",
        "minSpecial",
    }
)
TYPES = [
    ResourceType(
        token="random:index/randomId:RandomId",
        inputs=ID_INPUTS,
        replace_on=ID_INPUTS,
        create=create_id,
        read=unchanged,
        update=nothing_to_update,
        delete=nothing_to_delete,
    ),
    ResourceType(
        token="random:index/randomPassword:RandomPassword",
        inputs=PASSWORD_INPUTS,
        replace_on=PASSWORD_INPUTS,
        create=create_password,
        read=unchanged,
        update=nothing_to_update,
        delete=nothing_to_delete,
        secret_outputs=frozenset({"result", "bcryptHash"}),
    ),
]

if __name__ == "__main__":
    serve(StandInProvider(VERSION, TYPES))
