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


class ReadableCounts(Out):
    """What of an import the caller may read now (withdrawn, narrowed or others' stories not counted)."""

    stories: int
    codings: int


class ImportProject(Out):
    """An import's project space: `counts` of what arrived and was skipped when it was imported (per coder where
    it matters); `readable`: its stories the caller may read now, and their codings."""

    id: int
    name: str
    origin: str
    convention: str
    imported_at: Stamp
    imported_by_id: int | None
    counts: dict[str, int]
    readable: ReadableCounts
    stories: list[ImportedStory] | None = None


class ImportList(Out):
    """Every import, newest first."""

    results: list[ImportProject]
