"""REFI-QDA and CSV exchange pages (researchers)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("exchange", __name__)
