"""The storybank command line, as in ../shared/API.md."""
from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import ROOT
from sqlalchemy import func, select

from storybank import tx
from storybank.accounts.services import find_by_email
from storybank.archive.models import Story
from storybank.archive.withdrawal import withdraw_story
from storybank.extensions import db

GOOD = """---
ref: {ref}
title: "{title}"
kind: practitioner
site: Salford
storyteller_role: peer worker
collection_method: interview
collected_on: 2024-04-01
consent:
  research: true
  workshop: true
  publication: false
attribution: anonymous
signifiers:
  about: [peer support]
  felt_heard: 4
---

I started as a peer worker in the spring. *It was hard.*
"""

BAD = {
    "no-front-matter.md": ("Just a story without any front matter.\n", "no front matter"),
    "unclosed.md": ("---\ntitle: x\nkind: practitioner\n\nbody\n", "not closed"),
    "bad-yaml.md": ("---\ntitle: [unclosed\nkind: practitioner\n---\nbody\n", "not valid YAML at line"),
    "unknown-kind.md": ("---\ntitle: x\nkind: poem\n---\nbody\n", "Unknown kind"),
    "empty-body.md": ("---\ntitle: x\nkind: practitioner\n---\n\n   \n", "empty"),
    "consent-list.md": ("---\ntitle: x\nkind: practitioner\nconsent: [research]\n---\nbody\n", "Consent must"),
    "unknown-key.md": ("---\ntitle: x\nkind: practitioner\nmood: sunny\n---\nbody\n", "unknown front-matter key"),
    "bad-date.md": ("---\ntitle: x\nkind: practitioner\ncollected_on: last spring\n---\nbody\n", "collected_on"),
}


def _write_folder(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(3):
        (folder / f"good-{n}.md").write_text(GOOD.format(ref=f"good-{n}", title=f"Good story {n}"))
    (folder / "dup.md").write_text(GOOD.format(ref="good-0", title="Duplicate ref"))
    for name, (content, _) in BAD.items():
        (folder / name).write_text(content)
    (folder / "latin1.md").write_bytes("---\ntitle: caf\xe9\nkind: practitioner\n---\nbody\n".encode("latin-1"))
    (folder / "huge.md").write_text("---\ntitle: x\nkind: practitioner\n---\n" + "word " * 700_000)


def _story_count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Story))


def test_import_reports_each_bad_file_and_imports_the_rest(app, tmp_path):
    folder = tmp_path / "stories"
    _write_folder(folder)
    runner = app.test_cli_runner()  # Click 8.2: output holds stdout and stderr together
    result = runner.invoke(args=["import", str(folder)])
    assert result.exit_code == 1
    output = result.output
    assert "Imported 3 stories, 0 already present, 11 with problems." in output
    for name, (_, reason) in BAD.items():
        line = next((ln for ln in output.splitlines() if name in ln), "")
        assert reason in line, f"{name}: expected {reason!r} in {line!r}"
    assert "ref 'good-0' is used by another file in this import" in output  # dup.md and good-0.md share a ref
    assert "latin1.md" in output and "not UTF-8" in output
    assert "huge.md" in output and "larger than" in output
    assert _story_count() == 3
    story = db.session.scalar(select(Story).where(Story.title == "Good story 2"))
    assert story.signifiers == {"about": ["peer support"], "felt_heard": 4} and story.teller_id is None

    again = runner.invoke(args=["import", str(folder)])
    assert "Imported 0 stories, 3 already present" in again.output
    assert _story_count() == 3


def test_reimport_never_resurrects_a_withdrawn_story(app, tmp_path, make_user):
    folder = tmp_path / "stories"
    folder.mkdir()
    (folder / "mine.md").write_text(GOOD.format(ref="mine", title="Mine"))
    teller = make_user("storyteller", email="teller@example.org")
    (folder / "mine.md").write_text(GOOD.format(ref="mine", title="Mine").replace(
        "attribution: anonymous", "attribution: anonymous\nteller: teller@example.org"))
    runner = app.test_cli_runner()
    assert runner.invoke(args=["import", str(folder)]).exit_code == 0
    story = db.session.scalar(select(Story))
    assert story.teller_id == teller.id
    withdraw_story(teller, story.id)
    tx.commit()
    again = runner.invoke(args=["import", str(folder)])
    assert again.exit_code == 0 and "1 already present" in again.output
    assert _story_count() == 1


def test_the_demo_stories_import_cleanly(app):
    from storybank.interop.markdown_import import import_folder, story_files

    files = story_files(ROOT / "stories")
    report = import_folder(None, files)
    assert report.problems == []
    assert len(report.imported) == len(files) >= 30
    stories = list(db.session.scalars(select(Story)))
    assert {s.kind for s in stories} == {"lived_experience", "practitioner"}
    assert {"Lambeth", "Edinburgh", "Luton", "Salford", "Tameside & Glossop"} <= {s.site for s in stories}
    words = [len(s.current_revision.body.split()) for s in stories]
    assert min(words) >= 250 and max(words) <= 1700


def test_users_and_tokens_through_the_cli(app):
    runner = app.test_cli_runner()
    made = runner.invoke(args=["users", "create", "Cli@Example.org", "--role", "researcher", "--role", "host",
                               "--name", "Cli User"], input="a good long password\n")
    assert made.exit_code == 0, made.output
    user = find_by_email("cli@example.org")
    assert user.roles == {"researcher", "host"}
    dup = runner.invoke(args=["users", "create", "cli@example.org", "--role", "host"], input="another password\n")
    assert dup.exit_code == 1 and "already exists" in dup.output
    short = runner.invoke(args=["users", "create", "x@example.org", "--role", "host"], input="short\n")
    assert short.exit_code == 1 and "at least 10 characters" in short.output
    token = runner.invoke(args=["tokens", "create", "cli@example.org"])
    assert token.exit_code == 0
    last = token.output.strip().splitlines()[-1]
    assert last.startswith("sb_")
    assert app.test_client().get("/api/v1/stories", headers={"Authorization": f"Bearer {last}"}).status_code == 200
    missing = runner.invoke(args=["tokens", "create", "nobody@example.org"])
    assert missing.exit_code == 1 and "no account" in missing.output


@pytest.mark.skipif(not (ROOT / ".venv" / "bin" / "storybank").exists(), reason="the console script is not installed")
def test_console_script_end_to_end(tmp_path):
    env = {**os.environ, "STORYBANK_INSTANCE_PATH": str(tmp_path / "instance")}
    env.pop("STORYBANK_DATABASE_URL", None)
    script = str(ROOT / ".venv" / "bin" / "storybank")

    def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
        return subprocess.run([script, *args], input=stdin, capture_output=True, text=True, env=env, timeout=120,
                              cwd=tmp_path)

    assert run("db", "upgrade").returncode == 0
    made = run("users", "create", "ops@example.org", "--role", "admin", stdin="operations password\n")
    assert made.returncode == 0, made.stderr
    token = run("tokens", "create", "ops@example.org")
    assert token.returncode == 0 and token.stdout.strip().splitlines()[-1].startswith("sb_")
    demo = run("demo", "--no-serve")
    assert demo.returncode == 0, demo.stderr
    assert "storyteller@example.org" in demo.stdout and "lantern-harbour-demo" in demo.stdout
    assert "Importing stories" in demo.stderr  # the progress bar
    again = run("demo", "--no-serve")
    assert "0 stories" in again.stdout and "already present" in again.stdout
    assert (tmp_path / "instance" / "storybank.sqlite3").exists()

    # `demo` (what `make run` calls) really serves: sign-in page and health check answer over HTTP.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([script, "demo", "--port", str(port)], env=env, cwd=tmp_path,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2) as answer:
                    assert answer.status == 200 and b"Sign in" in answer.read()
                    break
            except OSError:
                assert server.poll() is None, "storybank demo exited instead of serving"
                assert time.monotonic() < deadline, "storybank demo did not start serving within 60 s"
                time.sleep(0.3)
    finally:
        server.terminate()
        server.wait(timeout=10)
