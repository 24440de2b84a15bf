"""Is this server ready for traffic? Reasons a person can act on, never story data."""
from __future__ import annotations

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from storybank.assets import asset_dir
from storybank.extensions import db


def code_heads() -> set[str]:
    """The migration heads this code expects (read once per process)."""
    cached = current_app.extensions.get("storybank_migration_heads")
    if cached is None:
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", str(asset_dir("migrations")))
        cached = set(ScriptDirectory.from_config(config).get_heads())
        current_app.extensions["storybank_migration_heads"] = cached
    return cached


def readiness() -> list[str]:
    """Empty when ready; else why not: database unreachable, migrations behind, withdrawals not re-applied."""
    from storybank import ledger

    try:
        with db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            database = set(MigrationContext.configure(conn).get_current_heads())
    except SQLAlchemyError as err:
        return [f"database unreachable ({type(getattr(err, 'orig', None) or err).__name__})"]
    expected = code_heads()
    if database != expected:
        return [f"database migrations at {', '.join(sorted(database)) or 'none'}, this code needs "
                f"{', '.join(sorted(expected))}: run `storybank db upgrade`"]
    try:
        waiting = ledger.pending() + ledger.pending_accounts()
    except SQLAlchemyError as err:
        db.session.rollback()
        return [f"database unreachable ({type(getattr(err, 'orig', None) or err).__name__})"]
    finally:
        db.session.rollback()
    if waiting:
        return [f"{len(waiting)} withdrawals or account erasures in the withdrawal ledger are not applied to "
                "this database: "
                "restart `storybank serve`, which applies them before serving"]
    return []
