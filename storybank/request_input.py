"""Bad input stops at the door: one check of every request's text, so no view can 500 on it.

A NUL character cannot be stored by PostgreSQL, a lone surrogate (`\\ud800`, possible only
through a JSON escape) is not a character at all, and JSON nested thousands deep breaks the
parser; each is refused with 400 and a message before any view runs, so nothing is saved.
"""
from __future__ import annotations

import re
from typing import Any

from flask import Flask, request
from flask.json.provider import DefaultJSONProvider

from storybank.errors import InvalidInput

#: deeper than this a JSON body is refused; the API's own documents are at most four deep
MAX_JSON_DEPTH = 32
_BAD = re.compile("[\x00\ud800-\udfff]")


def _complaint(text: str, where: str) -> str | None:
    found = _BAD.search(text)
    if found is None:
        return None
    what = "a NUL character (\\u0000)" if found.group() == "\x00" else f"a lone surrogate (\\u{ord(found.group()):04x})"
    return f"The text of {where} contains {what}, which cannot be stored. Remove it and send again; nothing was saved."


def check_text(text: str, where: str) -> None:
    message = _complaint(text, where)
    if message:
        raise InvalidInput(message, field=where)


def check_json(value: Any) -> None:
    """Walk the document without recursion: every key and string checked, the depth bounded."""
    stack: list[tuple[Any, str, int]] = [(value, "the request", 0)]
    while stack:
        item, where, depth = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise InvalidInput(f"The JSON is nested too deeply (more than {MAX_JSON_DEPTH} levels); nothing was saved.")
        if isinstance(item, str):
            check_text(item, where)
        elif isinstance(item, dict):
            for key, child in item.items():
                check_text(key, "a field name")
                stack.append((child, str(key) if depth == 0 else f"{where}.{key}", depth + 1))
        elif isinstance(item, list):
            stack.extend((child, where, depth + 1) for child in item)


class StrictJSONProvider(DefaultJSONProvider):
    """What `request.get_json()` parses with: Flask's JSON, refusing what cannot be stored."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            value = super().loads(s, **kwargs)
        except RecursionError:
            raise InvalidInput(
                f"The JSON is nested too deeply (more than {MAX_JSON_DEPTH} levels); nothing was saved.") from None
        check_json(value)
        return value


def install(app: Flask) -> None:
    app.json = StrictJSONProvider(app)

    @app.before_request
    def refuse_unstorable_text() -> None:
        for source, values in (("the address", request.args), ("the form", request.form)):
            for key, value in values.items(multi=True):
                check_text(key, source)
                check_text(value, f"{source} field '{key}'")


#: PostgreSQL: serialization failure, deadlock, lock not available
_CONTENTION_STATES = {"40001", "40P01", "55P03"}


def is_contention(err: Exception) -> bool:
    """A database error that means "someone else is changing this right now", worth a 409 and a retry."""
    orig = getattr(err, "orig", None)
    if getattr(orig, "sqlstate", None) in _CONTENTION_STATES:
        return True
    text = str(orig or err).lower()
    return "database is locked" in text or "database is busy" in text
