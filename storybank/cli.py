"""The `storybank` command group: Flask's and Flask-Migrate's commands plus our own."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from storybank import tx
from storybank.assets import asset_dir
from storybank.errors import DomainError

DEMO_PASSWORD = "lantern-harbour-demo"  # passes the strength check like any other password
DEMO_ACCOUNTS = [
    ("admin@example.org", "Ada Admin", ["admin"]),
    ("researcher@example.org", "Rosa Researcher", ["researcher"]),
    ("researcher2@example.org", "Ravi Researcher", ["researcher"]),
    ("host@example.org", "Hana Host", ["host"]),
    ("storyteller@example.org", "Sam Storyteller", ["storyteller"]),
]
# Demo stories that belong to the demo storyteller; the rest wait to be claimed.
DEMO_TELLER_PREFIXES = ("b02-", "b05-", "f03-", "f09-")


def _fail(message: str) -> None:
    click.secho(f"Error: {message}", fg="red", err=True)
    sys.exit(1)


def _read_password(prompt: bool) -> str:
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    if not prompt:
        return ""
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@click.group("users", help="Manage accounts.")
def users_group() -> None:
    pass


@users_group.command("create")
@click.argument("email")
@click.option("--role", "roles", multiple=True, required=True,
              type=click.Choice(["storyteller", "researcher", "host", "admin"]), help="Repeat for several roles.")
@click.option("--name", default="", help="Display name.")
@with_appcontext
def users_create(email: str, roles: tuple[str, ...], name: str) -> None:
    """Create an account; the password is read from standard input (or prompted for)."""
    from storybank.accounts.services import create_user

    password = _read_password(prompt=True)
    try:
        user = create_user(None, email, password, list(roles), name)
        tx.commit()
    except DomainError as err:
        tx.rollback()
        _fail(err.message)
    click.echo(f"Created {user.email} with roles: {', '.join(sorted(user.roles))}")


@users_group.command("reset-link")
@click.argument("email")
@with_appcontext
def users_reset_link(email: str) -> None:
    """Print a one-time password-reset link for EMAIL as the last line (for people without e-mail)."""
    from storybank.accounts.passwords import create_reset
    from storybank.accounts.recovery import reset_link
    from storybank.accounts.services import find_by_email

    user = find_by_email(email)
    if user is None or not user.active:
        _fail(f"no active account with email {email}")
    token = create_reset(user)
    tx.commit()
    hours = current_app.config["RESET_LINK_HOURS"]
    click.echo(f"One-time reset link for {user.email} (works once, for {hours} hours; earlier links stop working):")
    click.echo(reset_link(token))


@click.group("tokens", help="API tokens.")
def tokens_group() -> None:
    pass


@tokens_group.command("create")
@click.argument("email")
@click.option("--label", default="", help="What the token is for.")
@with_appcontext
def tokens_create(email: str, label: str) -> None:
    """Print a new API token for EMAIL as the last line of output."""
    from storybank.accounts.services import create_token, find_by_email

    user = find_by_email(email)
    if user is None:
        _fail(f"no account with email {email}")
    token = create_token(user, label)
    tx.commit()
    click.echo(f"New API token for {user.email} (shown once; keep it secret):")
    click.echo(token)


@click.command("import")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--as", "as_email", default=None, help="Account of the researcher doing the import.")
@with_appcontext
def import_command(path: Path, as_email: str | None) -> None:
    """Import a folder of Markdown stories with YAML front matter."""
    report = run_import(path, as_email)
    if report.problems:
        sys.exit(1)


def run_import(path: Path, as_email: str | None = None, tellers_by_prefix: dict | None = None):  # noqa: ANN201
    from storybank.accounts.services import find_by_email
    from storybank.interop.markdown_import import import_folder, story_files

    actor = find_by_email(as_email) if as_email else None
    if as_email and actor is None:
        _fail(f"no account with email {as_email}")
    try:
        files = story_files(path)
    except DomainError as err:
        _fail(err.message)
    # Demo files use their file name as ref, so a prefix names the stories a teller owns.
    prefixes = tuple(tellers_by_prefix or ())
    tellers = {f.stem: tellers_by_prefix[p] for f in files for p in prefixes if f.name.startswith(p)}
    with click.progressbar(length=len(files), label="Importing stories", file=sys.stderr) as bar:
        report = import_folder(actor, files, tellers, progress=lambda _p: bar.update(1))
    tx.commit()
    for name, problem in report.problems:
        click.secho(f"  skipped {name}: {problem}", fg="yellow", err=True)
    click.echo(
        f"Imported {len(report.imported)} stories, {len(report.skipped)} already present, "
        f"{len(report.problems)} with problems."
    )
    return report


def _upgrade_database() -> None:
    from flask_migrate import upgrade

    upgrade(directory=str(asset_dir("migrations")))


def _serve(app: Flask, host: str, port: int, debug: bool) -> None:
    if host in {"127.0.0.1", "localhost", "::1"}:
        # Plain http on this machine only: browsers drop Secure cookies over http.
        app.config["SESSION_COOKIE_SECURE"] = False
        app.config["REMEMBER_COOKIE_SECURE"] = False
        if not os.environ.get("STORYBANK_BASE_URL"):  # links in mail and on claim pages point at this server
            app.config["BASE_URL"] = f"http://{'[::1]' if host == '::1' else host}:{port}"
    # Flask's app.run() refuses to serve from inside its own CLI, so call Werkzeug directly.
    from werkzeug.serving import run_simple

    app.debug = debug
    run_simple(host, port, app, use_reloader=False, use_debugger=debug, threaded=True)


@click.command("demo")
@click.option("--port", default=5000, show_default=True)
@click.option("--no-serve", is_flag=True, help="Set up the demo data and stop.")
@with_appcontext
def demo_command(port: int, no_serve: bool) -> None:
    """Create the database, load the demo stories and accounts, then serve."""
    from storybank.accounts.services import create_user, find_by_email

    _upgrade_database()
    for email, name, roles in DEMO_ACCOUNTS:
        if find_by_email(email) is None:
            create_user(None, email, DEMO_PASSWORD, roles, name)
    tx.commit()
    researcher = find_by_email("researcher@example.org")
    teller = find_by_email("storyteller@example.org")
    run_import(asset_dir("stories"), researcher.email, dict.fromkeys(DEMO_TELLER_PREFIXES, teller))
    from storybank.coding.codebook import install_starter
    from storybank.coding.demo import code_demo_stories

    install_starter(researcher)
    coded = code_demo_stories(researcher, find_by_email("researcher2@example.org"))
    tx.commit()
    if coded:
        click.echo(f"Installed the starter codebook and {coded} demo codings.")
    from storybank.coding.suggest import add_demo_keywords
    from storybank.coding.suggest_classifier import current_training, train

    if add_demo_keywords() and current_training() is None:
        try:
            training = train(researcher)
            click.echo(f"Trained the suggestion model on {training.examples} demo sentences.")
        except DomainError as err:
            click.echo(f"No suggestion model yet: {err.message}")
    tx.commit()
    from storybank.deid.demo import prepare_demo_versions

    approved = prepare_demo_versions(researcher, teller)
    tx.commit()
    if approved:
        click.echo(f"Approved {approved} demo workshop versions (one waits for the demo storyteller's approval).")
    from storybank.workshops.demo import prepare_demo_set

    in_set = prepare_demo_set(find_by_email("host@example.org"))
    tx.commit()
    if in_set:
        click.echo(f"Made the demo host's story set “Thresholds” ({in_set} stories), with a session and an insight.")
    click.echo(f"\nDemo accounts (password for all: {DEMO_PASSWORD}):")
    for email, _name, roles in DEMO_ACCOUNTS:
        click.echo(f"  {email:28} {', '.join(roles)}")
    if not no_serve:
        click.echo(f"\nstorybank is at http://127.0.0.1:{port}/")
        _serve(current_app._get_current_object(), "127.0.0.1", port, debug=False)


@click.command("run")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
@click.option("--debug", is_flag=True)
@with_appcontext
def run_command(host: str, port: int, debug: bool) -> None:
    """Serve storybank (Flask's development server)."""
    _serve(current_app._get_current_object(), host, port, debug)


@click.command("reindex")
@with_appcontext
def reindex_command() -> None:
    """Rebuild the search index from the database, with a progress bar."""
    from storybank.search.indexing import all_story_ids, engine, rebuild

    total = len(all_story_ids())
    bars: dict[str, object] = {}

    def progress(phase: str, n: int) -> None:
        if phase not in bars:
            for bar in bars.values():
                bar.render_finish()
            bars[phase] = click.progressbar(length=total, label=phase, file=sys.stderr)
        bars[phase].update(n)

    count = rebuild(progress)
    for bar in bars.values():
        bar.render_finish()
    click.echo(f"Reindexed {count} stories ({engine().name}).")


@click.group("suggest", help="Suggested codings.")
def suggest_group() -> None:
    pass


@suggest_group.command("train")
@click.option("--as", "as_email", required=True,
              help="The researcher training it: the model learns from the stories they may read for research.")
@click.option("--epochs", default=None, type=int, help="Passes over the training sentences (default 10).")
@click.option("--max-examples", default=None, type=int, help="At most this many sentences (default 6,000).")
@with_appcontext
def suggest_train(as_email: str, epochs: int | None, max_examples: int | None) -> None:
    """Retrain the suggestion model on the team's sentence codings, with progress."""
    from storybank.accounts.services import find_by_email
    from storybank.coding import suggest_classifier

    actor = find_by_email(as_email)
    if actor is None:
        _fail(f"no account with email {as_email}")
    bars: dict[str, object] = {}

    def progress(phase: str, done: int, total: int) -> None:
        if phase not in bars:
            for bar in bars.values():
                bar.render_finish()
            bars[phase] = click.progressbar(length=total, label=phase, file=sys.stderr)
        bar = bars[phase]
        bar.update(done - bar.pos)

    try:
        training = suggest_classifier.train(actor, epochs=epochs or suggest_classifier.DEFAULT_EPOCHS,
                                       max_examples=max_examples, progress=progress)
        tx.commit()
    except DomainError as err:
        tx.rollback()
        _fail(err.message)
    for bar in bars.values():
        bar.render_finish()
    click.echo(f"Trained on {training.examples} sentences from {training.story_count} stories: "
               f"{len(training.labels)} codes, {training.epochs} passes, {training.seconds:.1f} s.")


def register_commands(app: Flask) -> None:
    for command in (users_group, tokens_group, import_command, demo_command, reindex_command, suggest_group):
        app.cli.add_command(command)
    from storybank.deid.commands import COMMANDS as DEID_COMMANDS
    from storybank.interop.commands import COMMANDS as EXCHANGE_COMMANDS
    from storybank.ops_commands import COMMANDS as OPS_COMMANDS

    for command in (*EXCHANGE_COMMANDS, *OPS_COMMANDS, *DEID_COMMANDS):
        app.cli.add_command(command)
    from flask_migrate.cli import db as db_group

    from storybank.archive.compaction import compact_command

    db_group.add_command(compact_command)  # `storybank db compact`, beside Flask-Migrate's upgrade


def _create_app() -> Flask:
    from storybank import create_app

    return create_app()


class StorybankGroup(FlaskGroup):
    def __init__(self) -> None:
        super().__init__(create_app=_create_app, add_default_commands=False, add_version_option=False,
                         load_dotenv=False, set_debug_flag=False, help="storybank: the archive's commands.")
        from flask.cli import routes_command, shell_command

        self.add_command(run_command)
        self.add_command(shell_command)
        self.add_command(routes_command)


main = StorybankGroup()
