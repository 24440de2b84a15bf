"""The cross-feature hooks of one app: what each feature does when a story is withdrawn, revised, claimed,
told or has its consent changed, and where search finds a story's workshop version.

Features never register themselves by being imported: `storybank.wiring.connect_features`
fills one `FeatureHooks` per app in `create_app`, in the order listed there, and the
archive's services run what it holds.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from flask import current_app

if TYPE_CHECKING:
    from storybank.archive.models import Story, StoryRevision

WithdrawalStep = Callable[["Story"], dict[str, int]]
RevisionHook = Callable[["Story", "StoryRevision", "StoryRevision"], object]
StoryHook = Callable[["Story"], object]
WorkshopText = Callable[[list["Story"]], "dict[int, tuple[str, str]]"]  # story id -> approved (title, body)

KINDS = ("withdrawal", "revision", "consent", "claim", "workshop_text")


@dataclass
class FeatureHooks:
    withdrawal: list[WithdrawalStep] = field(default_factory=list)
    revision: list[RevisionHook] = field(default_factory=list)
    consent: list[StoryHook] = field(default_factory=list)
    claim: list[StoryHook] = field(default_factory=list)
    workshop_text: list[WorkshopText] = field(default_factory=list)
    by_feature: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    def add(self, feature: str, kind: str, fn: Callable) -> None:
        """Connect `fn` as a `kind` hook of `feature` (a workshop text source replaces any earlier one)."""
        if kind not in KINDS:
            raise ValueError(f"unknown hook kind {kind!r}")
        hooks: list = getattr(self, kind)
        if kind == "workshop_text":
            hooks.clear()
        if fn not in hooks:
            hooks.append(fn)
        self.by_feature.setdefault(feature, []).append((kind, f"{fn.__module__}.{fn.__qualname__}"))

    def listing(self) -> dict[str, list[tuple[str, str]]]:
        """What each feature connected: {feature: [(kind, dotted name), …]}."""
        return {feature: list(entries) for feature, entries in self.by_feature.items()}


EXTENSION = "storybank.hooks"


def current() -> FeatureHooks:
    """The running app's hooks."""
    return current_app.extensions[EXTENSION]
