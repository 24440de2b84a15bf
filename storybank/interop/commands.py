"""`storybank export …`, `storybank import-qdpx` and `storybank import-qdc`, with progress bars."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from storybank import policy, tx
from storybank.errors import DomainError


class SystemResearcher:
    """The research view without a signed-in person: what any researcher may read for research.

    Used by `storybank export …` without --as; the audit log records it with no actor.
    """

    id = None
    is_authenticated = True
    is_active = True
    roles = frozenset({"researcher"})
    display_name = "storybank"


def _fail(message: str) -> None:
    click.secho(f"Error: {message}", fg="red", err=True)
    sys.exit(1)


def _actor(as_email: str | None, required: bool = False):
    from storybank.accounts.services import find_by_email

    if not as_email:
        if required:
            _fail("say whose import this is: --as EMAIL (a researcher's account)")
        return SystemResearcher()
    actor = find_by_email(as_email)
    if actor is None:
        _fail(f"no account with email {as_email}")
    if not policy.can(actor, "exchange.import"):
        _fail(f"{as_email} is not a researcher")
    return actor


AS_HELP = "The researcher whose view is exported (default: the research view, what any researcher may read)."


@click.group("export", help="Export for other tools: REFI-QDA (.qdpx, .qdc), Markdown, CSV.")
def export_group() -> None:
    pass


@export_group.command("qdpx")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--as", "as_email", default=None, help=AS_HELP)
@click.option("--for", "target", default="standard", show_default=True,
              type=click.Choice(["standard", "nvivo", "maxqda", "atlasti"]),
              help="The tool that will read it: positions and line breaks as that tool counts them.")
@click.option("--import", "import_id", type=int, default=None,
              help="Export only this import's project space: the importing researcher's own material (needs --as).")
@with_appcontext
def export_qdpx_command(file: Path, as_email: str | None, target: str, import_id: int | None) -> None:
    """The coded project as a REFI-QDA project (.qdpx)."""
    from storybank.interop.qdpx_export import count_exported, export_qdpx

    actor = _actor(as_email, required=import_id is not None)
    if import_id is not None:
        try:
            data = export_qdpx(actor, target=target, project_id=import_id)
        except DomainError as err:
            _fail(f"{err.message} (import #{import_id})")
        file.write_bytes(data)
        tx.commit()
        click.echo(f"Wrote {file} ({len(data):,} bytes).")
        return
    with click.progressbar(length=count_exported(actor), label="Exporting stories", file=sys.stderr) as bar:
        data = export_qdpx(actor, progress=bar.update, target=target)
    file.write_bytes(data)
    tx.commit()
    click.echo(f"Wrote {file} ({len(data):,} bytes).")


@export_group.command("qdc")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--as", "as_email", default=None, help=AS_HELP)
@with_appcontext
def export_qdc_command(file: Path, as_email: str | None) -> None:
    """The codebook as a REFI-QDA codebook (.qdc)."""
    from storybank.interop.qdc import export_qdc

    try:
        data = export_qdc(_actor(as_email))
    except DomainError as err:
        _fail(err.message)
    file.write_bytes(data)
    tx.commit()
    click.echo(f"Wrote {file}.")


@export_group.command("markdown")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--as", "as_email", default=None, help=AS_HELP)
@with_appcontext
def export_markdown_command(folder: Path, as_email: str | None) -> None:
    """Stories as Markdown with front matter, which `storybank import` reads back."""
    from storybank.interop.markdown_export import markdown_files
    from storybank.interop.qdpx_export import count_exported

    actor = _actor(as_email)
    folder.mkdir(parents=True, exist_ok=True)
    with click.progressbar(length=count_exported(actor), label="Exporting stories", file=sys.stderr) as bar:
        files = markdown_files(actor, progress=bar.update)
    for name, text in files:
        (folder / name).write_text(text, encoding="utf-8")
    tx.commit()
    click.echo(f"Wrote {len(files)} stories to {folder}.")


@export_group.command("codings-csv")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--as", "as_email", default=None, help=AS_HELP)
@with_appcontext
def export_codings_command(file: Path, as_email: str | None) -> None:
    """Every coder's codings as CSV."""
    from storybank.interop.csv_export import codings_csv

    file.write_text(codings_csv(_actor(as_email)), encoding="utf-8")
    tx.commit()
    click.echo(f"Wrote {file}.")


@click.command("import-qdpx")
@click.argument("file", type=click.Path(exists=True, path_type=Path))
@click.option("--as", "as_email", default=None, help="The researcher importing (owns the imported stories).")
@with_appcontext
def import_qdpx_command(file: Path, as_email: str | None) -> None:
    """Import a REFI-QDA project (.qdpx, or a folder holding project.qde) into a new project space."""
    from storybank.interop.qdpx_import import import_qdpx, lost_every_coding

    actor = _actor(as_email, required=True)
    bars: list = []

    def progress(done: int, total: int) -> None:
        if not bars:
            bars.append(click.progressbar(length=total, label="Importing sources", file=sys.stderr))
        bars[0].update(done - bars[0].pos)

    try:
        project = import_qdpx(actor, file, progress=progress)
        tx.commit()
    except DomainError as err:
        tx.rollback()
        _fail(f"{err.message} Nothing was imported.")
    for bar in bars:
        bar.render_finish()
    click.echo(f"Imported {project.name!r} as import #{project.id}:")
    for name, value in project.counts.items():
        click.echo(f"  {name.replace('_', ' ')}: {value}")
    if lost_every_coding(project.counts):
        click.secho(f"Warning: 0 of the file's {project.counts['codings_in_file']} codings were imported "
                    "(see what was skipped above).", fg="yellow", err=True)
        sys.exit(2)


@click.command("import-qdc")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--as", "as_email", default=None, help="The researcher importing the codebook.")
@click.option("--dry-run", is_flag=True, help="Show what would change, change nothing.")
@with_appcontext
def import_qdc_command(file: Path, as_email: str | None, dry_run: bool) -> None:
    """Merge a REFI-QDA codebook (.qdc) into the codebook, matching codes by GUID, then by name."""
    from storybank.interop.qdc import import_qdc, preview_qdc

    actor = _actor(as_email, required=True)
    try:
        steps, _sets = preview_qdc(actor, file.read_bytes())
        for step in steps:
            detail = f" ({'; '.join(step.changes)})" if step.changes else ""
            click.echo(f"  {step.action:5} {step.code.name}{detail}")
        if dry_run:
            return
        counts = import_qdc(actor, file.read_bytes())
        tx.commit()
    except DomainError as err:
        tx.rollback()
        _fail(f"{err.message} Nothing was imported.")
    click.echo(", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in counts.items()))


COMMANDS = (export_group, import_qdpx_command, import_qdc_command)
