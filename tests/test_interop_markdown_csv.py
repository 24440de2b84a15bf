"""Markdown export that `storybank import` reads back unchanged, and the codings CSV."""
from __future__ import annotations

import csv
import io
from datetime import date

from conftest import make_app
from sqlalchemy import select

from storybank import tx
from storybank.archive.consent import change_consent
from storybank.archive.models import Story
from storybank.coding.codebook import install_starter
from storybank.coding.codings import apply_coding
from storybank.coding.models import Code
from storybank.extensions import db
from storybank.interop.csv_export import codings_csv
from storybank.interop.markdown_export import markdown_files

FIELDS = ("title", "kind", "site", "storyteller_role", "collection_method", "collected_by", "collected_on",
          "language", "signifiers")


def _describe(story: Story) -> dict:
    out = {name: getattr(story, name) for name in FIELDS}
    out["body"] = story.current_revision.body
    consent = story.current_consent
    out["consent"] = consent.scopes()
    out["attribution"] = consent.attribution
    return out


def test_markdown_export_reads_back_unchanged_into_a_fresh_database(app, make_user, make_story, tmp_path,
                                                                   sqlite_template, postgres_url):
    teller, researcher = make_user("storyteller"), make_user("researcher")
    first = make_story(teller, title='Waiting: "not ill enough" — yes: 2024', body="No final line break 😀\n\n> quoted",
                       signifiers={"about": ["waiting", "hope"], "help_from": "community", "felt_heard": 4},
                       attribution="name")
    second = make_story(teller, title="1234", kind="practitioner", body="\n\nLeading lines dropped\n\n",
                        consent={"research": True, "workshop": False, "publication": True})
    story = db.session.get(Story, second.id)
    story.storyteller_role, story.collected_by, story.collected_on = "Peer worker", "Team: A", date(2024, 3, 12)
    story.language, story.collection_method = "cy", "being-with"
    hidden = make_story(teller, title="Narrowed", body="HIDDEN words")
    change_consent(teller, hidden.id, {"research": False})
    tx.commit()
    expected = {s.title: _describe(db.session.get(Story, s.id)) for s in (first, second)}
    expected["1234"]["body"] = "Leading lines dropped\n\n"  # the one thing the format cannot carry
    files = markdown_files(researcher)
    assert len(files) == 2 and not any("HIDDEN" in text for _, text in files)
    folder = tmp_path / "export"
    folder.mkdir()
    for name, text in files:
        (folder / name).write_text(text, encoding="utf-8")
    other = make_app("sqlite", tmp_path / "fresh", sqlite_template, postgres_url)
    with other.app_context():
        runner = other.test_cli_runner()
        result = runner.invoke(args=["import", str(folder)])
        assert result.exit_code == 0 and "Imported 2 stories" in result.output, result.output
        imported = {s.title: _describe(s) for s in db.session.scalars(select(Story))}
        result = runner.invoke(args=["import", str(folder)])
        assert "Imported 0 stories, 2 already present" in result.output  # importing twice adds nothing
        db.session.remove()
        db.engine.dispose()
    assert imported == expected


def test_codings_csv_has_every_coder_and_only_research_stories(app, make_user, make_story):
    teller = make_user("storyteller")
    r1, r2 = make_user("researcher", name="Rosa"), make_user("researcher", name="Ravi")
    story = make_story(teller, body="I waited eleven weeks, then the hub helped.")
    hidden = make_story(teller, body="HIDDEN narrowed words")
    install_starter(r1)
    tx.commit()
    thresholds = db.session.scalar(select(Code).where(Code.name == "Thresholds"))
    apply_coding(r1, story.id, thresholds.id, 2, 20)
    apply_coding(r2, story.id, thresholds.id)
    apply_coding(r1, hidden.id, thresholds.id, 0, 6)
    change_consent(teller, hidden.id, {"research": False})
    tx.commit()
    rows = list(csv.DictReader(io.StringIO(codings_csv(r2))))
    assert [(r["coder"], r["code_path"], r["start"], r["end"], r["excerpt"]) for r in rows] == [
        ("Ravi", "Access / Thresholds", "", "", "I waited eleven weeks, then the hub helped."),
        ("Rosa", "Access / Thresholds", "2", "20", "waited eleven week"),
    ]
    assert all(r["story_id"] == str(story.id) for r in rows)
