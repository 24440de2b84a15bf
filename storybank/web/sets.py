"""Story sets, cards, presentation, sessions and insights (hosts)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("sets", __name__)
