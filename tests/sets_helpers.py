"""Shared by the story-set tests: stories with approved workshop versions, themes, a host's set."""
from __future__ import annotations

from sqlalchemy import select

from storybank import tx
from storybank.coding.codebook import install_starter
from storybank.coding.codings import apply_coding
from storybank.coding.models import Code
from storybank.deid import approval, decisions
from storybank.extensions import db

BODY = (
    "My neighbour Delroy Campbell waited with me at the hub for eleven weeks.\n\n"
    "The referral came back rejected twice: not ill enough, they said, so Delroy Campbell rang them himself.\n\n"
    "In the end a peer worker listened, and that was the start of getting better."
)


def approve(researcher, teller, story_id: int, name: str | None = "Delroy Campbell") -> None:
    """What a researcher and the teller do for a straightforward story: mark, accept, send, approve."""
    decisions.review(researcher, story_id)
    if name:
        decisions.add_identifier(researcher, story_id, name, "PERSON")
    decisions.accept_all(researcher, story_id)
    approval.send(researcher, story_id)
    tx.commit()
    approval.teller_approve(teller, story_id)
    tx.commit()


def code_id(name: str) -> int:
    return db.session.scalar(select(Code.id).where(Code.name == name))


def theme(researcher, story_id: int, name: str, start: int | None = None, end: int | None = None) -> None:
    install_starter(researcher)
    apply_coding(researcher, story_id, code_id(name), start, end)
    tx.commit()


def workshop_story(make_user, make_story, researcher, teller=None, title: str = "Eleven weeks at the hub",
                   body: str = BODY, themes: tuple[str, ...] = ("Thresholds",), name: str | None = "Delroy Campbell"):
    """A story with workshop consent, an approved workshop version and researchers' themes."""
    teller = teller or make_user("storyteller")
    story = make_story(teller, title=title, body=body)
    for t in themes:
        theme(researcher, story.id, t)
    approve(researcher, teller, story.id, name if name and name in body else None)
    return story, teller
