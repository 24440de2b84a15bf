"""What the Whoosh index holds for a story (terms and facet columns, no stored text) and how segments are named."""
from __future__ import annotations

import secrets

from whoosh.codec.base import Segment
from whoosh.fields import ID, KEYWORD, TEXT, Schema

from storybank.search.analysis import STEMMING
from storybank.search.documents import IndexDoc

__all__ = ["_fields", "_key", "schema"]


def _segment_id(cls: type, size: int = 16) -> str:
    """Segment names from the system's generator, not Python's global `random`.

    A library that reseeds the global generator (spaCy's `fix_random_seed` did) made Whoosh
    give a new segment the name of an existing one, and the index write failed.
    """
    return "".join(secrets.choice(_SEGMENT_CHARS) for _ in range(size))


_SEGMENT_CHARS = "0123456789abcdefghijklmnopqrstuvwxyz"
Segment._random_id = classmethod(_segment_id)


def schema() -> Schema:
    return Schema(
        id=ID(stored=True, unique=True, sortable=True),
        title=TEXT(analyzer=STEMMING, phrase=True),
        body=TEXT(analyzer=STEMMING, phrase=True),
        site=ID,
        site_label=ID(sortable=True),
        kind=ID(sortable=True),
        role=ID,
        method=ID,
        date=ID,
        themes=KEYWORD,
        theme_set=ID(sortable=True),
    )


def _key(story_id: int) -> str:
    return f"{story_id:012d}"


def _fields(doc: IndexDoc) -> dict[str, str]:
    return {
        "id": _key(doc.story_id),
        "title": doc.title,
        "body": doc.body,
        "site": doc.site.lower(),
        "site_label": doc.site,
        "kind": doc.kind,
        "role": doc.role.lower(),
        "method": doc.method.lower(),
        "date": doc.collected_on.isoformat() if doc.collected_on else "",
        "themes": " ".join(str(t) for t in sorted(doc.themes)),
        "theme_set": " ".join(str(t) for t in sorted(doc.themes)),
    }
