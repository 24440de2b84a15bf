"""One log line per request, carrying a request id; optionally JSON lines.

The id comes from the proxy's `X-Request-ID` when it is well formed, else a
new one, and goes back in the response so a person can quote it. Only the
path is logged, never the query string: search words can be people's names.
"""
from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from typing import Any

from flask import Flask, g, has_request_context, request

log = logging.getLogger("storybank.request")
HEADER = "X-Request-ID"
_WELL_FORMED = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


class RequestIdFilter(logging.Filter):
    """Every record logged while a request runs carries its id (others get "-")."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        return True


class JsonLines(logging.Formatter):
    FIELDS = ("request_id", "method", "path", "status", "ms", "bytes", "remote")

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update({k: getattr(record, k) for k in self.FIELDS if hasattr(record, k)})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(json_lines: bool, level: str = "INFO") -> None:
    """storybank's loggers write to standard error (gunicorn keeps its own error log there too)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(RequestIdFilter())
    if json_lines:
        handler.setFormatter(JsonLines())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"))
    logger = logging.getLogger("storybank")
    logger.handlers[:] = [handler]
    logger.setLevel(level)
    logger.propagate = False


def install(app: Flask) -> None:
    """Request ids and the per-request line; registered before the policy check so refusals are logged too."""

    @app.before_request
    def start() -> None:
        incoming = request.headers.get(HEADER, "")
        g.request_id = incoming if _WELL_FORMED.match(incoming) else uuid.uuid4().hex
        g.request_started = time.perf_counter()

    @app.after_request
    def finish(response: Any) -> Any:
        request_id = g.get("request_id") or uuid.uuid4().hex
        response.headers[HEADER] = request_id
        started = g.get("request_started")
        ms = round((time.perf_counter() - started) * 1000, 1) if started else None
        fields = {"request_id": request_id, "method": request.method, "path": request.path,
                  "status": response.status_code, "ms": ms, "bytes": response.content_length,
                  "remote": request.remote_addr or "-"}
        log.info("%s %s %s %sms", request.method, request.path, response.status_code, ms, extra=fields)
        return response
