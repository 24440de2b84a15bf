"""Request and answer models of the stories, search and coding endpoints (the OpenAPI document is made from them)."""
from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, RootModel

from storybank.api.spec import Body, Out, Query

Kind = Literal["lived_experience", "practitioner"]
Attribution = Literal["name", "pseudonym", "anonymous"]
Stamp = str  # ISO 8601 UTC, ending in Z


class Scopes(Body):
    research: bool | None = None
    workshop: bool | None = None
    publication: bool | None = None


class NewStory(Body):
    """A story told through the API; the caller is its teller."""

    title: str
    body: str = Field(description="Markdown")
    kind: str = Field(json_schema_extra={"enum": ["lived_experience", "practitioner"]})
    site: str | None = None
    consent: dict[str, Any] = Field(default_factory=dict, description="research, workshop, publication: true/false")
    attribution: str = Field("anonymous", json_schema_extra={"enum": ["name", "pseudonym", "anonymous"]})
    storyteller_role: str | None = None
    collection_method: str | None = None
    collected_by: str | None = None
    language: str | None = None
    signifiers: dict[str, Any] | None = None
    consent_form_version: int | None = None


class Revise(Body):
    title: str | None = None
    body: str | None = None
    revision: int | None = Field(None, description="the revision the edit started from: if another edit was saved "
                                                   "since, the answer is 409")


class ConsentChange(Body):
    research: Any = None
    workshop: Any = None
    publication: Any = None
    attribution: Any = None


class Consent(Out):
    research: bool
    workshop: bool
    publication: bool
    attribution: str
    form_version: int | None
    recorded_at: Stamp | None = None


class Story(Out):
    """The story (its current revision)."""

    id: int
    title: str
    body: str | None
    html: str | None
    kind: Kind
    site: str
    storyteller_role: str | None
    collection_method: str
    language: str
    signifiers: dict[str, Any] | None
    consent: Consent
    revision: int | None
    created_at: Stamp
    updated_at: Stamp


class Tombstone(Out):
    """What is left of a withdrawn story (its teller alone sees it)."""

    id: int
    kind: str
    status: Literal["withdrawn"]
    withdrawn_at: Stamp | None
    removed: dict[str, int]


class StoryOrTombstone(RootModel[Story | Tombstone]):
    """The story, or for its teller the tombstone of a withdrawn one."""


class StoryListItem(Out):
    id: int
    title: str
    kind: str
    site: str


class StoryList(Out):
    """Stories the caller may read."""

    total: int
    page: int
    results: list[StoryListItem]


class WorkshopVersion(Out):
    """The approved pseudonymised version (what hosts read)."""

    id: int
    title: str | None
    body: str | None
    html: str
    kind: str
    site: str
    themes: list[str]
    approved_at: Stamp | None
    approved_on_behalf: bool


class SearchHit(Out):
    id: int
    title: str
    snippet: str = Field(description="HTML: text escaped, matches in <mark>")
    kind: str
    site: str
    themes: list[str]


class SearchResults(Out):
    """Search results with facets."""

    total: int
    page: int
    purpose: str
    did_you_mean: str | None
    results: list[SearchHit]
    facets: dict[str, dict[str, int]]


class NewCode(Body):
    name: str
    parent_id: int | None = None
    definition: str = ""
    colour: str | None = None


class CodeEdit(Body):
    """Any of the code's fields; `parent_id` moves it (null: to the top level)."""

    name: str | None = None
    parent_id: int | None = None
    definition: str | None = None
    when_to_use: str | None = None
    when_not_to_use: str | None = None
    example: str | None = None
    colour: str | None = None
    keywords: str | None = None


class Code(Out):
    """A code of the codebook."""

    id: int
    name: str
    parent_id: int | None
    definition: str
    when_to_use: str
    when_not_to_use: str
    example: str
    colour: str
    depth: int | None = None


class CodeList(Out):
    """The codebook as a tree, depth first."""

    results: list[Code]


class Merge(Body):
    into: int = Field(description="The code that takes over this code's codings, memos and sub-codes")


class Counts(RootModel[dict[str, int]]):
    """What changed, counted."""


class NewCoding(Body):
    code_id: int
    start: int | None = Field(None, ge=0)
    end: int | None = Field(None, ge=1)
    memo: str | None = None


class MemoRef(Out):
    id: int
    text: str


class Coding(Out):
    """A coding (Unicode code points into the current revision, end exclusive; null for the whole story)."""

    id: int
    story_id: int
    code_id: int
    coder_id: int | None
    revision_id: int
    start: int | None
    end: int | None
    created_at: Stamp
    memo: MemoRef | None = None


class CodingList(Out):
    """Codings of the story's current revision."""

    results: list[Coding]


class NewMemo(Body):
    """A memo on one thing: a story, a coding or a code."""

    text: str
    story_id: int | None = None
    coding_id: int | None = None
    code_id: int | None = None


class MemoEdit(Body):
    text: str


class Memo(Out):
    """A memo."""

    id: int
    text: str
    author_id: int | None
    story_id: int | None
    coding_id: int | None
    code_id: int | None
    created_at: Stamp
    updated_at: Stamp


class MemoList(Out):
    """Memos the caller may read, newest first."""

    results: list[Memo]


class StoriesQuery(Query):
    kind: str | None = Field(None, json_schema_extra={"enum": ["lived_experience", "practitioner"]})
    site: str | None = None
    page: int = Field(1, ge=1)


class SearchQuery(Query):
    q: str = Field("", description="the query language (see the description)")
    theme: str | None = None
    site: str | None = None
    kind: str | None = Field(None, json_schema_extra={"enum": ["lived_experience", "practitioner"]})
    purpose: str | None = Field(None, json_schema_extra={"enum": ["research", "workshop"]})
    page: int = Field(1, ge=1)
    per_page: int = Field(10, description="results per page, 1 to 100 (outside that range: the nearest)")


class MemosQuery(Query):
    q: str = Field("", description="only memos containing this text")
