"""Every module of the JSON API, imported once so each adds its endpoints to the blueprint."""
from __future__ import annotations

from storybank.api import coding, exchange, sessions, sets, tokens, workshop  # noqa: F401
from storybank.api.spec import bp

__all__ = ["bp"]
