"""Backups and restores, with a canary: a restore never brings a withdrawn story back."""
from __future__ import annotations

import io
import json
import stat
import tarfile
from pathlib import Path

from conftest import PASSWORD
from sqlalchemy import func, select

from storybank import ledger, tx
from storybank.accounts.deletion import delete_account
from storybank.accounts.models import User
from storybank.accounts.services import create_token
from storybank.archive.models import STATUS_WITHDRAWN, Story, StoryRevision
from storybank.archive.withdrawal import withdraw_story
from storybank.backup import create_backup
from storybank.extensions import db

CANARY = "BACKUPCANARYq7x"


def _cli(app, *args: str, answer: str = ""):
    return app.test_cli_runner().invoke(args=list(args), input=answer)


def _search_total(app, user, words: str) -> int:
    token = create_token(user)
    tx.commit()
    response = app.test_client().get("/api/v1/search", query_string={"q": words, "purpose": "research"},
                                     headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    return response.get_json()["total"]


def _files_with(folder: Path, needle: bytes) -> list[str]:
    return [str(p) for p in folder.rglob("*") if p.is_file() and needle in p.read_bytes()]


def test_a_restore_reapplies_withdrawals_made_after_the_backup(app, make_user, make_story, tmp_path):
    teller, researcher = make_user("storyteller"), make_user("researcher")
    researcher_id = researcher.id
    canary = make_story(teller, title=f"Canary {CANARY}", body=f"Words that must not come back {CANARY}.")
    kept = make_story(teller, title="Kept story", body="A story that stays, about waiting lists.")
    canary_id, kept_id = canary.id, kept.id
    backup = tmp_path / "backups" / "before.tar.gz"
    assert _cli(app, "backup", str(backup)).exit_code == 0
    assert _search_total(app, researcher, CANARY) == 1

    withdraw_story(teller, canary_id)
    tx.commit()
    withdrawn_at = db.session.get(Story, canary_id).withdrawn_at
    assert ledger.entries() == {canary_id: withdrawn_at}
    make_story(teller, title="Told after the backup", body="This one is lost by the restore, as expected.")

    result = _cli(app, "restore", str(backup), answer="yes\n")
    assert result.exit_code == 0, result.output
    assert "Re-applied 1 withdrawal and" in result.output
    db.session.expire_all()
    story = db.session.get(Story, canary_id)
    assert story.status == STATUS_WITHDRAWN and story.title is None
    assert story.withdrawn_at == withdrawn_at  # when the teller withdrew it
    assert db.session.scalar(select(func.count()).where(StoryRevision.story_id == canary_id)) == 0
    assert db.session.get(Story, kept_id).title == "Kept story"
    assert db.session.scalar(select(func.count()).select_from(Story)) == 2
    researcher = db.session.get(User, researcher_id)
    assert _search_total(app, researcher, CANARY) == 0
    assert _search_total(app, researcher, "waiting") == 1  # the index was rebuilt from the restored database
    instance = Path(app.config["INSTANCE_PATH"])
    assert _files_with(instance, CANARY.encode()) == []  # the database file, its WAL, the index
    assert app.test_client().get("/readyz").status_code == 200


def test_restore_needs_yes_and_changes_nothing_without_it(app, make_user, make_story, tmp_path):
    teller = make_user("storyteller")
    make_story(teller, title="Before")
    backup = tmp_path / "b.tar.gz"
    assert _cli(app, "backup", str(backup)).exit_code == 0
    make_story(teller, title="After")
    result = _cli(app, "restore", str(backup), answer="no\n")
    assert result.exit_code == 1 and "Nothing was changed" in result.output
    db.session.expire_all()
    assert sorted(db.session.scalars(select(Story.title))) == ["After", "Before"]


def test_a_file_that_is_not_a_backup_is_refused_clearly(app, tmp_path):
    bogus = tmp_path / "notes.tar.gz"
    bogus.write_text("hello")
    result = _cli(app, "restore", str(bogus), answer="yes\n")
    assert result.exit_code == 1
    assert "is not a storybank backup" in result.output and "Nothing was changed" in result.output


def test_the_backup_holds_a_manifest_and_no_secret(app, make_user, make_story, tmp_path):
    teller = make_user("storyteller")
    story = make_story(teller)
    withdraw_story(teller, story.id)
    tx.commit()
    Path(ledger.path()).unlink()  # as if the server died between the commit and the ledger line
    backup = tmp_path / "b.tar.gz"
    create_backup(backup)
    assert ledger.entries().keys() == {story.id}  # the tombstone went back into the ledger first
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    with tarfile.open(backup) as archive:
        names = archive.getnames()
        manifest = json.loads(archive.extractfile("manifest.json").read())
        payload = b"".join(archive.extractfile(n).read() for n in names)
    dialect = db.engine.dialect.name
    assert names == ["manifest.json", {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}[dialect]]
    assert manifest["database"] == dialect and manifest["stories"] == 1 and manifest["withdrawn"] == 1
    assert app.config["SECRET_KEY"].encode() not in payload


def test_a_backup_from_a_newer_version_is_refused_before_anything_changes(app, make_user, make_story, tmp_path):
    make_story(make_user("storyteller"), title="Still here")
    backup = tmp_path / "b.tar.gz"
    create_backup(backup)
    newer = tmp_path / "newer.tar.gz"
    with tarfile.open(backup) as source, tarfile.open(newer, "w:gz") as target:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name == "manifest.json":
                data = json.dumps({**json.loads(data), "revision": "9999"}).encode()
                member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    result = _cli(app, "restore", str(newer), answer="yes\n")
    assert result.exit_code == 1 and "newer storybank" in result.output and "Nothing was changed" in result.output
    db.session.expire_all()
    assert list(db.session.scalars(select(Story.title))) == ["Still here"]


def test_a_restore_erases_again_an_account_its_owner_deleted_after_the_backup(app, make_user, make_story, tmp_path):
    teller = make_user("storyteller", email="erased.teller@example.org", name="Erin Erased")
    story = make_story(teller, title=f"Erased teller's story {CANARY}")
    teller_id, story_id = teller.id, story.id
    backup = tmp_path / "b.tar.gz"
    create_backup(backup)
    delete_account(teller, PASSWORD)  # every story withdrawn, the account erased, and both recorded
    tx.commit()
    assert ledger.erased_accounts().keys() == {teller_id}

    result = _cli(app, "restore", str(backup), answer="yes\n")
    assert result.exit_code == 0, result.output
    assert "1 account erasure " in result.output
    db.session.expire_all()
    assert db.session.get(User, teller_id) is None
    assert db.session.scalar(select(func.count()).select_from(User).where(
        User.email == "erased.teller@example.org")) == 0
    tombstone = db.session.get(Story, story_id)
    assert tombstone.status == STATUS_WITHDRAWN and tombstone.teller_id is None
    assert app.test_client().get("/readyz").status_code == 200
