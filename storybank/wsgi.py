"""For running gunicorn (or another WSGI server) yourself: `gunicorn storybank.wsgi:app`."""
from __future__ import annotations

from storybank import create_app, request_log

app = create_app()
request_log.configure_logging(app.config.get("LOG_JSON", False))
