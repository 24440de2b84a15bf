"""Notices to people who took a copy of a story out of storybank and must now delete it."""
from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from storybank import guard
from storybank.archive.copies import mark_read, my_notices, unread_notice_count

bp = Blueprint("notices", __name__)


@bp.get("/notices")
@guard.signed_in
def index() -> str:
    notices = my_notices(current_user)
    page = render_template("notices.html", notices=notices)
    mark_read(notices)  # opening the page is reading them: the teller sees that they were read
    return page


@bp.app_template_global()
def unread_withdrawal_notices() -> int:
    return unread_notice_count(current_user)
