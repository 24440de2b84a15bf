"""Story-set endpoints of /api/v1, on the API blueprint of views.py."""
from __future__ import annotations

from storybank.api.views import bp  # noqa: F401  (routes are added to the one API blueprint)
