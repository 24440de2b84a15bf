"""Liveness and readiness for load balancers and orchestrators: public, and never any story data."""
from __future__ import annotations

from flask import Blueprint, jsonify

from storybank import guard
from storybank.health import readiness

bp = Blueprint("health", __name__)


@bp.get("/healthz")
@guard.public
def healthz() -> object:
    """The process answers; touches nothing else (a database outage must not restart every worker)."""
    return jsonify({"status": "ok"})


@bp.get("/readyz")
@guard.public
def readyz() -> object:
    problems = readiness()
    if problems:
        return jsonify({"status": "unavailable", "reasons": problems}), 503
    return jsonify({"status": "ready"})
