"""Counts in words for messages people read: "1 coding", "3 codings"."""
from __future__ import annotations

SINGULARS = {"stories": "story", "codings": "coding", "memos": "memo", "new codes": "new code", "sub-codes": "sub-code",
             "codes": "code",
             "withdrawals": "withdrawal", "account erasures": "account erasure",
             "withdrawals or account erasures": "withdrawal or account erasure"}


def count(n: int, plural: str) -> str:
    return f"{n} {SINGULARS.get(plural, plural) if n == 1 else plural}"
