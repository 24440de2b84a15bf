"""Ids from URLs, forms and JSON: anything that is not a row's id is simply "not found"."""
from __future__ import annotations

from typing import TypeVar

from storybank.errors import NotFound
from storybank.extensions import db

MAX_ID = 2**62
Model = TypeVar("Model")


def parse_id(value: object, message: str) -> int:
    """A positive id, or NotFound(message) for text, zero, negatives and absurdly large numbers."""
    try:
        number = int(str(value))
    except ValueError:
        raise NotFound(message) from None
    if number <= 0 or number > MAX_ID:
        raise NotFound(message)
    return number


def get_or_not_found(model: type[Model], value: object, message: str) -> Model:
    row = db.session.get(model, parse_id(value, message))
    if row is None:
        raise NotFound(message)
    return row
