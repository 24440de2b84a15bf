"""Backups a restore can trust: one file holding a consistent copy of the database and a manifest.

SQLite is copied with its online backup API (a consistent snapshot while the
app runs); PostgreSQL with `pg_dump` (custom format). The secret key, the
search index and the suggestion model are not in the file: the key lives in
your secret store, the index is rebuilt on restore, the model is retrained.
A restore re-applies every withdrawal the ledger holds (see ledger.py).
"""
from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from alembic.migration import MigrationContext
from flask import current_app
from sqlalchemy import MetaData, func, select
from sqlalchemy.engine import URL, make_url

from storybank import ledger, tx
from storybank.archive.models import STATUS_WITHDRAWN, Story
from storybank.assets import asset_dir
from storybank.errors import InvalidInput
from storybank.extensions import db
from storybank.timeutil import utcnow

FORMAT = "storybank-backup"
VERSION = 1
MEMBERS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}


@dataclass
class Manifest:
    database: str
    revision: str
    created_at: str
    stories: int
    withdrawn: int

    @property
    def member(self) -> str:
        return MEMBERS[self.database]


def _dialect() -> str:
    name = db.engine.dialect.name
    if name not in MEMBERS:
        raise InvalidInput(f"Backups support SQLite and PostgreSQL, not {name}.")
    return name


def _revision() -> str:
    with db.engine.connect() as conn:
        return ",".join(sorted(MigrationContext.configure(conn).get_current_heads()))


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """A libpq URL without the password (that goes in PGPASSWORD, out of the process list)."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(command: list[str], env: dict[str, str]) -> None:
    if shutil.which(command[0]) is None:
        raise InvalidInput(f"{command[0]} is not installed: install the PostgreSQL client "
                           "(Debian: apt-get install postgresql-client) and try again.")
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise InvalidInput(f"{command[0]} failed: {done.stderr.strip()[:500]}")


def _dump(dialect: str, target: Path) -> None:
    if dialect == "sqlite":
        source = db.engine.raw_connection()
        try:
            copy = sqlite3.connect(target)
            source.driver_connection.backup(copy)
            copy.close()
        finally:
            source.close()
    else:
        url, env = _libpq(make_url(str(db.engine.url)))
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={target}", url], env)


def create_backup(file: Path) -> Manifest:
    """Write the backup to FILE (readable by its owner only); the ledger is brought up to date first."""
    dialect = _dialect()
    ledger.copy_tombstones()
    counts = dict(db.session.execute(select(Story.status, func.count()).group_by(Story.status)).all())
    manifest = Manifest(database=dialect, revision=_revision(), created_at=utcnow().isoformat(),
                        stories=sum(counts.values()), withdrawn=counts.get(STATUS_WITHDRAWN, 0))
    db.session.rollback()
    file.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=file.parent) as work:
        dumped = Path(work) / manifest.member
        _dump(dialect, dumped)
        partial = Path(work) / "backup.tar.gz"
        with tarfile.open(partial, "w:gz") as archive:
            data = json.dumps({"format": FORMAT, "version": VERSION, **manifest.__dict__}, indent=1).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size, info.mtime, info.mode = len(data), int(utcnow().timestamp()), 0o600
            archive.addfile(info, io.BytesIO(data))
            archive.add(dumped, arcname=manifest.member)
        partial.chmod(0o600)
        os.replace(partial, file)
    return manifest


def read_manifest(file: Path) -> Manifest:
    try:
        with tarfile.open(file, "r:gz") as archive:
            raw = json.loads(archive.extractfile("manifest.json").read())
    except (OSError, tarfile.TarError, KeyError, AttributeError, ValueError) as err:
        raise InvalidInput(f"{file} is not a storybank backup ({err}). Nothing was changed.") from err
    if raw.get("format") != FORMAT or raw.get("version") != VERSION or raw.get("database") not in MEMBERS:
        raise InvalidInput(f"{file} is not a storybank backup this version can read. Nothing was changed.")
    return Manifest(**{k: raw[k] for k in Manifest.__dataclass_fields__})


def _drop_all_tables() -> None:
    with db.engine.begin() as conn:
        existing = MetaData()
        existing.reflect(conn)
        existing.drop_all(conn)


def _load(manifest: Manifest, dumped: Path) -> None:
    if manifest.database == "sqlite":
        target = db.engine.url.database
        db.engine.dispose()
        source, live = sqlite3.connect(dumped), sqlite3.connect(target)
        try:
            source.backup(live)  # page by page into the live file, so its -wal and -shm stay consistent
        finally:
            source.close()
            live.close()
    else:
        _drop_all_tables()
        db.engine.dispose()
        url, env = _libpq(make_url(str(db.engine.url)))
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
              f"--dbname={url}", str(dumped)], env)


def _check_revision_known(manifest: Manifest) -> None:
    """A backup from a newer storybank cannot be migrated by this one: refuse before touching anything."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    config = Config()
    config.set_main_option("script_location", str(asset_dir("migrations")))
    scripts = ScriptDirectory.from_config(config)
    for revision in filter(None, manifest.revision.split(",")):
        try:
            known = scripts.get_revision(revision)
        except CommandError:
            known = None
        if known is None:
            raise InvalidInput(f"This backup comes from a newer storybank (database migration {revision}): "
                               "upgrade storybank first. Nothing was changed.")


@dataclass
class RestoreReport:
    manifest: Manifest
    reapplied: int
    erased: int
    reindexed: int


def restore_backup(file: Path, upgrade: object) -> RestoreReport:
    """Replace the database with FILE's, migrate it to this version, re-apply the ledger, rebuild the index."""
    manifest = read_manifest(file)
    dialect = _dialect()
    if manifest.database != dialect:
        raise InvalidInput(f"This backup is of a {manifest.database} database but storybank is configured for "
                           f"{dialect}. Nothing was changed.")
    _check_revision_known(manifest)
    ledger.copy_tombstones()  # withdrawals the database knows and the file might not (a crash, another server)
    tx.commit()
    with tempfile.TemporaryDirectory(dir=current_app.instance_path) as work:
        with tarfile.open(file, "r:gz") as archive:
            archive.extract(manifest.member, work, filter="data")
        db.session.remove()
        _load(manifest, Path(work) / manifest.member)
    upgrade()
    reapplied = ledger.reapply()
    erased = ledger.reapply_erasures()
    tx.commit()
    from storybank.search.indexing import rebuild

    reindexed = rebuild()
    tx.commit()
    return RestoreReport(manifest=manifest, reapplied=reapplied, erased=erased, reindexed=reindexed)
