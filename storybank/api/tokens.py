"""The caller's own API tokens over /api/v1: list (never the secret) and revoke."""
from __future__ import annotations

from flask import g, jsonify
from pydantic import Field

from storybank import guard
from storybank.accounts.tokens import list_tokens, revoke_token, token_json
from storybank.api.spec import Out, operation


class ApiToken(Out):
    """One working token: when it was made, last used (within 5 minutes) and expires; never the secret."""

    id: int
    label: str
    created_at: str = Field(description="date-time, UTC")
    last_used_at: str | None = Field(description="date-time, UTC; none when never used")
    expires_at: str = Field(description="date-time, UTC")


class TokenList(Out):
    """The caller's tokens that still work, newest first."""

    results: list[ApiToken]


@operation("/tokens", "GET", "The caller's own API tokens that still work", responses={200: TokenList})
@guard.signed_in
def tokens() -> object:
    return jsonify({"results": [token_json(t) for t in list_tokens(g.actor)]})


@operation("/tokens/<int:token_id>", "DELETE", "Revoke one of the caller's own tokens (anyone else's answers 404)",
           responses={204: None})
@guard.signed_in
def revoke(token_id: int) -> object:
    revoke_token(g.actor, token_id)
    return "", 204
