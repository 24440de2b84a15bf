"""What the Whoosh index holds for a story (terms and facet columns, no stored text) and how segments are named."""
from __future__ import annotations

import secrets
from collections.abc import Iterator

from whoosh.codec.base import Segment
from whoosh.compat import dumps
from whoosh.fields import ID, KEYWORD, TEXT, Schema
from whoosh.formats import Positions
from whoosh.system import pack_uint

from storybank.search.analysis import STEMMING, FastStemmingAnalyzer, stem_positions
from storybank.search.documents import IndexDoc

__all__ = ["StemPositions", "_fields", "_key", "schema"]


def _segment_id(cls: type, size: int = 16) -> str:
    """Segment names from the system's generator, not Python's global `random`.

    A library that reseeds the global generator (spaCy's `fix_random_seed` did) made Whoosh
    give a new segment the name of an existing one, and the index write failed.
    """
    return "".join(secrets.choice(_SEGMENT_CHARS) for _ in range(size))


_SEGMENT_CHARS = "0123456789abcdefghijklmnopqrstuvwxyz"
Segment._random_id = classmethod(_segment_id)


class StemPositions(Positions):
    """Whoosh's `Positions` format writing the same bytes, from `stem_positions` (no Token objects).

    Indexing spent most of its time in Whoosh's token-by-token path; a test checks the
    postings equal what `Positions` writes.
    """

    def word_values(self, value: object, analyzer: object, **kwargs: object) -> Iterator[tuple[str, int, float, bytes]]:
        if not isinstance(analyzer, FastStemmingAnalyzer) or not isinstance(value, str):
            yield from super().word_values(value, analyzer, **kwargs)
            return
        boost = self.field_boost
        for stem, poses in stem_positions(value, -1)[0].items():  # (offset -1: tokens()'s 0-based positions)
            deltas = [poses[0], *(b - a for a, b in zip(poses, poses[1:], strict=False))]
            yield stem, len(poses), len(poses) * boost, pack_uint(len(deltas)) + dumps(deltas, 2)


def _text() -> TEXT:
    field = TEXT(analyzer=STEMMING, phrase=True)
    field.format = StemPositions(field_boost=field.format.field_boost)
    return field


def schema() -> Schema:
    return Schema(
        id=ID(stored=True, unique=True, sortable=True),
        title=_text(),
        body=_text(),
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
