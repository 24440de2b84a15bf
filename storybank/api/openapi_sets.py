"""OpenAPI paths and schemas of the story-set endpoints (merged into the document in openapi.py)."""
from __future__ import annotations

from typing import Any

SETS_PATHS: dict[str, Any] = {}
SETS_SCHEMAS: dict[str, Any] = {}
