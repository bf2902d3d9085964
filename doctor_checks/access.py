"""Who can get in, in a few words, for the settings line."""

from __future__ import annotations

from components.settings.model import Settings


def access(settings: Settings) -> str:
    """Who can pass the plugins, in a few words: what `selfSignUp` and `allowedGroups` add up to."""
    groups = ", ".join(settings.allowed_groups)
    if settings.allowed_groups and settings.self_sign_up:
        return f"members of {groups} (self sign-up is on, but only an administrator adds accounts to groups)"
    if settings.allowed_groups:
        return f"members of {groups} (self sign-up is off: accounts an administrator creates and adds)"
    if settings.self_sign_up:
        return "anyone who can sign up (self sign-up is on, no allowedGroups)"
    return "every account an administrator creates (self sign-up is off, no allowedGroups)"
