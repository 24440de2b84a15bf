"""Request and answer models of the exchange endpoints."""
from __future__ import annotations

from pydantic import Field

from storybank.api.schemas import Stamp
from storybank.api.spec import Body, Out


class ExportFor(Body):
    target: str = Field("standard", json_schema_extra={"enum": ["standard", "nvivo", "maxqda", "atlasti"]},
                        description="the tool that will read it: positions and line breaks as it counts them")


class ImportedStory(Out):
    id: int
    title: str
    claimed: bool


class ImportProject(Out):
    """An import's project space: counts of what arrived and what was skipped (per coder where it matters)."""

    id: int
    name: str
    origin: str
    convention: str
    imported_at: Stamp
    imported_by_id: int | None
    counts: dict[str, int]
    stories: list[ImportedStory] | None = None


class ImportList(Out):
    """Every import, newest first."""

    results: list[ImportProject]
