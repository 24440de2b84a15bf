"""Domain errors raised by services; views and the API turn them into answers."""
from __future__ import annotations


class DomainError(Exception):
    status = 400

    def __init__(self, message: str, field: str | None = None, detail: object = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.detail = detail


class InvalidInput(DomainError):
    status = 400


class NotFound(DomainError):
    """Also what a user gets for a story they may not see: its existence must not leak."""

    status = 404

    def __init__(self, message: str = "Not found.", **kwargs: object):
        super().__init__(message, **kwargs)  # type: ignore[arg-type]


class Conflict(DomainError):
    status = 409


class Gone(DomainError):
    """An expired or used claim link."""

    status = 410
