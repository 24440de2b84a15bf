"""Settings from STORYBANK_* environment variables, with safe defaults."""
from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

from storybank.assets import PACKAGE


def _default_instance() -> Path:
    """`instance/` in a checkout; `<prefix>/var/storybank-instance` when installed from a wheel (Flask's convention)."""
    checkout = PACKAGE.parent
    if (checkout / "setup.cfg").is_file():
        return checkout / "instance"
    return Path(sys.prefix) / "var" / "storybank-instance"


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _secret_key(instance: Path) -> str:
    """Use STORYBANK_SECRET_KEY, else a key kept in the instance folder (never a constant)."""
    if os.environ.get("STORYBANK_SECRET_KEY"):
        return os.environ["STORYBANK_SECRET_KEY"]
    key_file = instance / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def _accounts_settings() -> dict:
    """Links in e-mails and printed by the CLI, mail over SMTP, token and link lifetimes, 2FA."""
    return {
        "BASE_URL": os.environ.get("STORYBANK_BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        "MAIL_SERVER": os.environ.get("STORYBANK_MAIL_SERVER", ""),
        "MAIL_BACKEND": "smtp",  # always SMTP (Flask-Mailman would keep mail in memory when TESTING)
        "MAIL_PORT": int(os.environ.get("STORYBANK_MAIL_PORT", "587")),
        "MAIL_USE_TLS": _flag("STORYBANK_MAIL_TLS", True),
        "MAIL_USE_SSL": _flag("STORYBANK_MAIL_SSL", False),
        "MAIL_USERNAME": os.environ.get("STORYBANK_MAIL_USERNAME") or None,
        "MAIL_PASSWORD": os.environ.get("STORYBANK_MAIL_PASSWORD") or None,
        "MAIL_DEFAULT_SENDER": os.environ.get("STORYBANK_MAIL_SENDER", "storybank@localhost"),
        "MAIL_TIMEOUT": int(os.environ.get("STORYBANK_MAIL_TIMEOUT", "20")),
        "TOKEN_DAYS": int(os.environ.get("STORYBANK_TOKEN_DAYS", "90")),
        "RESET_LINK_HOURS": int(os.environ.get("STORYBANK_RESET_LINK_HOURS", "24")),
        "REQUIRE_ADMIN_2FA": _flag("STORYBANK_REQUIRE_ADMIN_2FA", False),
    }


def from_environment(overrides: dict | None = None) -> dict:
    """Settings from the environment; `overrides` (tests, embedding) win and are never written to disk."""
    overrides = overrides or {}
    instance = Path(overrides.get("INSTANCE_PATH")
                    or os.environ.get("STORYBANK_INSTANCE_PATH", _default_instance())).resolve()
    database_url = os.environ.get(
        "STORYBANK_DATABASE_URL", f"sqlite:///{instance / 'storybank.sqlite3'}"
    )
    return {
        "INSTANCE_PATH": str(instance),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "INDEX_DIR": os.environ.get("STORYBANK_INDEX_DIR", str(instance / "search-index")),
        # Seconds a Whoosh write waits for another process's write before answering "busy".
        "SEARCH_LOCK_TIMEOUT": float(os.environ.get("STORYBANK_SEARCH_LOCK_TIMEOUT", "15")),
        # PostgreSQL: VACUUM FULL the tables holding text after each withdrawal (brief exclusive locks).
        "COMPACT_AFTER_WITHDRAWAL": os.environ.get("STORYBANK_COMPACT_AFTER_WITHDRAWAL", "1") != "0",
        "SECRET_KEY": overrides.get("SECRET_KEY") or _secret_key(instance),
        "SESSION_COOKIE_SECURE": _flag("STORYBANK_SECURE_COOKIES", True),
        "REMEMBER_COOKIE_SECURE": _flag("STORYBANK_SECURE_COOKIES", True),
        "RATELIMIT_STORAGE_URI": os.environ.get("STORYBANK_RATELIMIT_STORAGE_URI", "memory://"),
        # Failed sign-ins per account, and (higher: people share proxies) per address.
        "LOGIN_RATE_LIMIT": os.environ.get("STORYBANK_LOGIN_RATE_LIMIT", "10 per 15 minutes"),
        "LOGIN_ADDRESS_RATE_LIMIT": os.environ.get("STORYBANK_LOGIN_ADDRESS_RATE_LIMIT", "100 per 15 minutes"),
        "RESET_RATE_LIMIT": os.environ.get("STORYBANK_RESET_RATE_LIMIT", "5 per hour"),
        **_accounts_settings(),
        "MAX_STORY_CHARS": int(os.environ.get("STORYBANK_MAX_STORY_CHARS", "200000")),
        "MAX_CONTENT_LENGTH": int(os.environ.get("STORYBANK_MAX_UPLOAD_BYTES", str(2 * 1024 * 1024))),
        "CLAIM_LINK_DAYS": int(os.environ.get("STORYBANK_CLAIM_LINK_DAYS", "30")),
        "SPACY_MODEL": os.environ.get("STORYBANK_SPACY_MODEL", ""),
        # Propose identifiers as soon as a story with workshop consent is saved (else on first review).
        "DEID_ON_SAVE": os.environ.get("STORYBANK_DEID_ON_SAVE", "1") != "0",
        # Suggested codings: the model's score needed to propose a code, and its training sentences at most.
        "SUGGEST_THRESHOLD": float(os.environ.get("STORYBANK_SUGGEST_THRESHOLD", "0.5")),
        "SUGGEST_MAX_EXAMPLES": int(os.environ.get("STORYBANK_SUGGEST_MAX_EXAMPLES", "6000")),
        # Exchange imports (.qdpx): the most uncompressed bytes read out of one file's ZIP.
        "IMPORT_MAX_BYTES": int(os.environ.get("STORYBANK_IMPORT_MAX_BYTES", str(200 * 1024 * 1024))),
        # The longest source text one import may bring in (long transcripts; the form's limit is MAX_STORY_CHARS).
        "IMPORT_MAX_STORY_CHARS": int(os.environ.get("STORYBANK_IMPORT_MAX_STORY_CHARS", "5000000")),
        # Serving: how many proxies in front set X-Forwarded-* (0: trust none); JSON log lines.
        "PROXIES": int(os.environ.get("STORYBANK_PROXIES", "0")),
        "LOG_JSON": _flag("STORYBANK_LOG_JSON", False),
        # Story ids and times of withdrawals, outside the database so a restore cannot undo them.
        # (default: withdrawal-ledger.jsonl in the instance folder).
        "WITHDRAWAL_LEDGER": os.environ.get("STORYBANK_WITHDRAWAL_LEDGER", ""),
        "SITES": [
            s.strip()
            for s in os.environ.get(
                "STORYBANK_SITES", "Lambeth,Edinburgh,Luton,Salford,Tameside & Glossop"
            ).split(",")
            if s.strip()
        ],
    }


BASE = {
    "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "WTF_CSRF_TIME_LIMIT": None,
    "RATELIMIT_HEADERS_ENABLED": True,
    "JSON_SORT_KEYS": False,
}
