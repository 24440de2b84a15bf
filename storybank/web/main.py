"""Home page and Markdown preview."""
from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request
from flask_login import current_user

from storybank import guard
from storybank.archive.render import render_markdown
from storybank.archive.validation import clean_body
from storybank.errors import InvalidInput

bp = Blueprint("main", __name__)


@bp.get("/")
@guard.public
def home() -> str:
    return render_template("home.html", user=current_user)


@bp.post("/preview")
@guard.signed_in
def preview() -> object:
    """Live preview: the same render-and-sanitise path the saved story will take."""
    text = request.form.get("body", "")
    try:
        clean_body(text)
    except InvalidInput as err:
        return jsonify({"html": "", "error": err.message})
    return jsonify({"html": render_markdown(text), "error": None})
