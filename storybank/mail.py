"""E-mail over SMTP (Flask-Mailman): plain text, one link, never a story's words.

Links are built from STORYBANK_BASE_URL, never from the request's Host header.
Messages go out after the transaction commits, from a background thread, so a
page answers as fast whether or not a message was sent (the "forgot password"
answer must not tell anyone whether an address has an account).
"""
from __future__ import annotations

import logging
import threading

from flask import Flask, current_app
from flask_mailman import EmailMessage, Mail

from storybank import tx

mail = Mail()
log = logging.getLogger(__name__)
FOOTER = "\n\n-- \nstorybank. If you did not expect this message, you can ignore it."


def init_app(app: Flask) -> None:
    mail.init_app(app)


def configured() -> bool:
    return bool(current_app.config.get("MAIL_SERVER"))


def link(endpoint: str, **values: object) -> str:
    """An absolute link from the configured base URL (the Host header is never trusted; works in the CLI too)."""
    path = current_app.url_map.bind("storybank.invalid").build(endpoint, values)
    return current_app.config["BASE_URL"] + path


def send_after_commit(to: str, subject: str, intro: str, url: str, outro: str = "") -> bool:
    """Queue one plain-text message with one link; False (nothing queued) when mail is not configured."""
    if not configured():
        return False
    body = f"{intro}\n\n{url}\n"
    if outro:
        body += f"\n{outro}\n"
    body += FOOTER
    app = current_app._get_current_object()  # type: ignore[attr-defined]

    def start() -> None:
        threading.Thread(target=_deliver, args=(app, to, subject, body), name="storybank-mail", daemon=True).start()

    tx.after_commit(start)
    return True


def _deliver(app: Flask, to: str, subject: str, body: str) -> None:
    with app.app_context():
        try:
            EmailMessage(subject=subject, body=body, to=[to]).send()
        except Exception:
            log.exception("could not send the message %r", subject)
