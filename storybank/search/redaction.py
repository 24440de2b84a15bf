"""Search words out of logs: what people search for (names, places) is as private as the stories.

`redact_query_string("/search?q=Jane+Doe&page=2")` gives `/search?q=[redacted]&page=2`.
Request and access logging (gunicorn's access log, any WSGI middleware) must pass the
path with its query string, or the whole request line, through it before writing.
"""
from __future__ import annotations

import logging
from urllib.parse import quote, unquote_plus

REDACTED = "[redacted]"
#: Parameters whose values are search words or names, on every route that takes them
#: (/search, /api/v1/search, memos, the pseudonym registry, story sets built from a search).
WORD_PARAMETERS = frozenset({"q", "query", "site", "theme", "text"})


def redact_query_string(path_with_query: str) -> str:
    """The path with the values of search-word parameters replaced by `[redacted]`; other parameters kept."""
    path, sep, query = path_with_query.partition("?")
    if not sep:
        return path_with_query
    fragment = ""
    if "#" in query:
        query, fragment = query.split("#", 1)
        fragment = "#" + fragment
    pieces = []
    for piece in query.split("&"):
        name, eq, value = piece.partition("=")
        if unquote_plus(name).strip().lower() in WORD_PARAMETERS:
            pieces.append(f"{name}={REDACTED}" if eq else name)
        elif "?" in (inner := unquote_plus(value)):  # a link inside a link: /login?next=/search?q=...
            pieces.append(f"{name}={quote(redact_query_string(inner), safe='/[]')}")
        else:
            pieces.append(piece)
    return f"{path}?{'&'.join(pieces)}{fragment}"


def redact_request_line(line: str) -> str:
    """`GET /search?q=Jane HTTP/1.1` with the search words redacted (gunicorn's `%(r)s`)."""
    method, space, rest = line.partition(" ")
    if not space:
        return redact_query_string(line)
    target, space2, protocol = rest.rpartition(" ") if rest.count(" ") else (rest, "", "")
    return f"{method} {redact_query_string(target)}{space2}{protocol}"


class RedactSearchWords(logging.Filter):
    """A logging filter for access logs: Werkzeug's request lines and gunicorn's access atoms."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, dict):  # gunicorn: the request line, the query string, the raw URI
            for key, value in list(args.items()):  # in place: gunicorn's atoms are a dict subclass
                args[key] = _redact_atom(key, value)
        elif isinstance(args, tuple):
            record.args = tuple(redact_request_line(a) if isinstance(a, str) and "?" in a else a for a in args)
        if isinstance(record.msg, str) and "?" in record.msg:
            record.msg = redact_request_line(record.msg)
        return True


def _redact_atom(key: str, value: object) -> object:
    if not isinstance(value, str) or not value:
        return value
    if key == "q":
        return redact_query_string("?" + value)[1:]
    if key == "r" or "?" in value:
        return redact_request_line(value)
    return value


ACCESS_LOGGERS = ("werkzeug", "gunicorn.access")


def install_log_redaction() -> None:
    """Redact search words in the access logs this process writes (called once by create_app)."""
    for name in ACCESS_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactSearchWords) for f in logger.filters):
            logger.addFilter(RedactSearchWords())
