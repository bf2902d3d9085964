"""verify.py reads what the program exports: every route mode, route kind and provider type it can export."""

from __future__ import annotations

from typing import get_args

from components.settings_model import ProviderType, RouteKind, RouteMode
from verification import outputs


def test_verify_accepts_every_value_the_program_can_export() -> None:
    assert get_args(RouteMode) == outputs.ROUTE_MODES
    assert get_args(RouteKind) == outputs.ROUTE_KINDS
    assert get_args(ProviderType) == outputs.PROVIDER_TYPES
