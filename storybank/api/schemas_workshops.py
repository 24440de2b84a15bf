"""Request and answer models of the story-set, session, insight and workshop-review endpoints."""
from __future__ import annotations

from typing import Literal

from pydantic import Field, RootModel

from storybank.api.schemas import Stamp
from storybank.api.spec import Body, Out


class NewSet(Body):
    title: str | None = None
    question: str | None = None
    query: str | None = Field(None, description="a saved search: the set is filled with every workshop version "
                                                "it finds now")


class NewItem(Body):
    story_id: int
    start: int | None = Field(None, description="code points into the approved workshop version's body")
    end: int | None = None
    note: str | None = None
    prompt: str | None = None


class ItemEdit(Body):
    note: str | None = None
    prompt: str | None = None


class Reorder(Body):
    order: list[int] = Field(description="every item id of the set, once, in the new order")


class Card(Out):
    """An item of a set, as a card."""

    id: int
    card: str
    position: int
    story_id: int
    kind: Literal["story", "excerpt"]
    start: int | None
    end: int | None
    title: str
    text: str
    themes: list[str]
    note: str
    prompt: str


class Placeholder(Out):
    """Where an item's story was withdrawn or left workshops: nothing of it shows (the item id lets the host
    remove it)."""

    placeholder: Literal["withdrawn"]
    id: int
    position: int


class Item(RootModel[Card | Placeholder]):
    """A card, or a placeholder where its story can no longer be shown."""


class StorySet(Out):
    """A story set with its items in order."""

    id: int
    title: str
    question: str
    query: str | None
    created_at: Stamp
    updated_at: Stamp
    items: list[Card | Placeholder]


class SetSummary(Out):
    id: int
    title: str
    question: str
    query: str | None
    items: int


class SetList(Out):
    """The caller's own story sets."""

    results: list[SetSummary]


class NewSession(Body):
    held_on: str = Field(description="YYYY-MM-DD")
    place: str | None = None
    participants: int | None = None


class InsightStory(Out):
    story_id: int | None = Field(description="null for a story the caller may not open")
    label: str
    excerpt: bool


class Insight(Out):
    """An insight recorded in a session."""

    id: int
    session_id: int
    text: str
    created_at: Stamp
    stories_withdrawn: int
    stories: list[InsightStory]
    code_ids: list[int]


class Session(Out):
    """A sense-making session with its insights."""

    id: int
    set_id: int | None
    set_title: str
    question: str
    held_on: str
    place: str
    participants: int
    stories_withdrawn: int
    insights: list[Insight]


class SessionList(Out):
    """Sessions the caller may read (hosts: their own; researchers: all)."""

    results: list[Session]


class NewInsight(Body):
    text: str
    links: list[str] = Field(default_factory=list, description="cards read in the session: 'item:<id>'")
    code_ids: list[int] = Field(default_factory=list)


class Identifier(Out):
    id: int
    start: int
    end: int
    part: Literal["title", "body"]
    text: str
    kind: str
    decision: Literal["proposed", "accepted", "rejected"]
    replacement: str | None


class Review(Out):
    """The proposed workshop version and its identifiers, for the reviewing researcher."""

    story_id: int
    status: str
    pending: int
    identifiers: list[Identifier]
    title: str
    body: str


class Decision(Body):
    id: int
    decision: str = Field(json_schema_extra={"enum": ["accept", "reject"]})
    replacement: str | None = None


class ReviewDecisions(Body):
    """Either accept every proposed identifier, or decide some."""

    accept_all: bool | None = None
    decisions: list[Decision] | None = None


class Send(Body):
    approved_on_behalf: bool = Field(False, description="record the teller's approval given outside storybank "
                                                        "(a teller without an account)")


class TellerAnswer(Body):
    changes: str | None = Field(None, description="ask for changes instead of approving")


class VersionState(Out):
    """Where the workshop version stands."""

    story_id: int
    status: str
    sent_at: Stamp | None
    approved_at: Stamp | None
    approved_on_behalf: bool
    teller_message: str | None
