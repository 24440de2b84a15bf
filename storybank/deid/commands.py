"""`storybank deid …`: de-identification commands."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from storybank import tx


@click.group("deid", help="De-identification: the pseudonym registry.")
def deid_group() -> None:
    pass


@deid_group.command("clean-registry")
@with_appcontext
def clean_registry_command() -> None:
    """Remove registry entries that are not proper names; give lone-word place/service labels to their story alone."""
    from storybank.deid.cleanup import clean_registry

    report = clean_registry()
    tx.commit()
    click.echo(f"Removed {len(report.removed)} entries that are not proper names"
               + (f" ({', '.join(sorted(set(report.removed))[:20])})" if report.removed else "")
               + f"; {len(report.localised)} lone-word labels now hold in their own story; "
               f"{len(report.stories)} stories rendered again.")


COMMANDS = [deid_group]
