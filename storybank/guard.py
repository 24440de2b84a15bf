"""Deny by default: every endpoint declares the action it needs, or the app will not start."""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import Flask

from storybank.policy import ACTIONS, PUBLIC, SIGNED_IN

F = TypeVar("F", bound=Callable)
ATTRIBUTE = "_storybank_action"
# Endpoints Flask itself registers, whose functions we do not write.
BUILTIN_PUBLIC = {"static"}


def requires(action: str) -> Callable[[F], F]:
    if action not in ACTIONS and action not in (PUBLIC, SIGNED_IN):
        raise KeyError(f"unknown action {action!r}")

    def mark(view: F) -> F:
        setattr(view, ATTRIBUTE, action)
        return view

    return mark


public = requires(PUBLIC)
signed_in = requires(SIGNED_IN)


def action_for(app: Flask, endpoint: str | None) -> str | None:
    if endpoint is None:
        return None
    if endpoint in BUILTIN_PUBLIC or endpoint.endswith(".static"):
        return PUBLIC
    view = app.view_functions.get(endpoint)
    return getattr(view, ATTRIBUTE, None)


def check_every_endpoint_declared(app: Flask) -> None:
    """Called at start-up: an endpoint without a declared action is a bug, not a default."""
    missing = sorted(e for e in app.view_functions if action_for(app, e) is None)
    if missing:
        raise RuntimeError(
            "These endpoints declare no permission (use guard.requires/public): " + ", ".join(missing)
        )
