"""Running storybank for real: `serve` (gunicorn), `backup` and `restore`."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from storybank import tx
from storybank.errors import DomainError
from storybank.wording import count


def _fail(message: str) -> None:
    click.secho(f"Error: {message}", fg="red", err=True)
    sys.exit(1)


def _upgrade_database() -> None:
    from storybank.cli import _upgrade_database as upgrade

    upgrade()


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (a proxy in front).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", default=None, type=click.IntRange(1, 64),
              help="Worker processes (default: STORYBANK_WORKERS, else 2 × cores + 1, at most 4).")
@with_appcontext
def serve_command(host: str, port: int, workers: int | None) -> None:
    """Serve storybank with gunicorn, the production server."""
    from sqlalchemy.exc import SQLAlchemyError

    from storybank import ledger, serving
    from storybank.health import readiness

    try:
        reapplied = ledger.reapply()  # a database restored by hand must not show withdrawn stories
        reapplied += ledger.reapply_erasures()  # nor bring back an account its owner deleted
        tx.commit()
    except SQLAlchemyError:  # no tables yet, or migrations behind: /readyz says which
        tx.rollback()
        reapplied = 0
    if reapplied:
        click.echo(f"Re-applied {count(reapplied, 'withdrawals or account erasures')} from the withdrawal ledger.")
    problems = readiness()
    db_engine = current_app.extensions["sqlalchemy"].engine
    db_engine.dispose()  # each worker opens its own connections
    if problems:
        click.secho("Not ready yet (/readyz answers 503): " + "; ".join(problems), fg="yellow", err=True)
    serving.serve(host, port, workers or serving.default_workers())


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(file: Path) -> None:
    """Write a consistent backup of the database to FILE (no secrets, no search index)."""
    from storybank.backup import create_backup

    try:
        manifest = create_backup(file)
    except DomainError as err:
        _fail(err.message)
    click.echo(f"Backed up {manifest.stories} stories ({manifest.withdrawn} withdrawn) from {manifest.database} "
               f"to {file}.")


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def restore_command(file: Path) -> None:
    """Replace the database with FILE's; withdrawals made since are applied again. Stop the server first."""
    from storybank.backup import read_manifest, restore_backup

    try:
        manifest = read_manifest(file)
    except DomainError as err:
        _fail(err.message)
    url = current_app.extensions["sqlalchemy"].engine.url.render_as_string(hide_password=True)
    click.echo(f"This replaces everything in {url} with the backup taken {manifest.created_at} "
               f"({manifest.stories} stories). Type yes to go on: ", nl=False)
    if sys.stdin.readline().strip() != "yes":
        _fail("not confirmed. Nothing was changed.")
    try:
        report = restore_backup(file, _upgrade_database)
    except DomainError as err:
        _fail(err.message)
    click.echo(f"\nRestored. Re-applied {count(report.reapplied, 'withdrawals')} and "
               f"{count(report.erased, 'account erasures')} recorded after the backup; "
               f"reindexed {count(report.reindexed, 'stories')}.")


COMMANDS = (serve_command, backup_command, restore_command)
