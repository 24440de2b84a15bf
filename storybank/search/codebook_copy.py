"""This process's copy of the codebook for search: theme names resolved and facets labelled without a round trip.

A search that reads the codebook afresh spent a round trip on it before the search
itself (for `theme:`) or read every code's row with it. The copy is kept per app; the
search statement compares its fingerprint with the codebook's own and returns the codes
only when they differ, and a search whose `theme:` was resolved with a copy that turns out
stale is run again with the codes it brought.
"""
from __future__ import annotations

import hashlib

from flask import current_app
from sqlalchemy import cast, func, literal
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.sql.elements import ColumnElement

from storybank.coding.models import Code
from storybank.extensions import db

Codes = list[tuple[int, str, int | None]]  # (id, name, parent id)
_SEP = "\x1f"  # (unit separator: never in a code name)


def fingerprint(codes: Codes | None) -> str | None:
    """The md5 of the codes in id order, as `fingerprint_sql` computes it (None for an empty codebook)."""
    if not codes:
        return None
    entries = _SEP.join(f"{cid},{'' if parent is None else parent},{name}" for cid, name, parent in sorted(codes))
    return hashlib.md5(entries.encode("utf-8"), usedforsecurity=False).hexdigest()


def fingerprint_sql() -> ColumnElement:
    """PostgreSQL: the codebook's fingerprint (a scalar subquery), equal to `fingerprint` of its rows."""
    entry = (cast(Code.id, db.Text) + literal(",") + func.coalesce(cast(Code.parent_id, db.Text), "")
             + literal(",") + Code.name)
    return func.md5(func.string_agg(entry, aggregate_order_by(literal(_SEP), Code.id))).select().scalar_subquery()


class CodebookCopy:
    """The codes and their fingerprint, replaced together (threads read one pair)."""

    def __init__(self) -> None:
        self.held: tuple[Codes | None, str | None] = (None, None)

    def replace(self, codes: Codes) -> None:
        self.held = (list(codes), fingerprint(codes))


def copy() -> CodebookCopy:
    """This app's copy (a gunicorn worker has its own)."""
    found = current_app.extensions.get("storybank_codebook")
    if found is None:
        found = current_app.extensions.setdefault("storybank_codebook", CodebookCopy())
    return found
