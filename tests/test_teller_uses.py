"""'Who used this story': plain sentences, grouped, newest first; the download keeps every row."""
from __future__ import annotations

import io
import json
import re
import zipfile
from datetime import date, datetime

from sqlalchemy import select

from storybank import tx
from storybank.archive.uses import date_range
from storybank.audit.models import AuditEvent
from storybank.audit.service import record
from storybank.extensions import db


def _uses_section(page: str) -> str:
    section = page.split("Who used this story", 1)[1]
    return section.split("</section>", 1)[0]


def _items(section: str) -> list[str]:
    return [re.sub(r"\s+", " ", item).strip() for item in re.findall(r"<li>(.*?)</li>", section, re.S)]


def _move(action: str, purpose: str, times: list[datetime]) -> None:
    """Put the newest uses of one kind at the given moments (the test cannot wait for days to pass)."""
    rows = list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action,
                                                            AuditEvent.purpose == purpose).order_by(AuditEvent.id)))
    assert len(rows) == len(times)
    for row, at in zip(rows, times, strict=True):
        row.at = at
    tx.commit()


def test_twelve_reads_in_a_week_are_one_sentence_and_a_later_read_another(app, login_as, make_user, make_story):
    teller_client, teller = login_as("storyteller")
    researcher_client, researcher = login_as("researcher")
    story = make_story(teller)
    for _ in range(13):
        assert researcher_client.get(f"/stories/{story.id}").status_code == 200
    record(researcher, "story.read", story_id=story.id, purpose="workshop_prep")
    record(researcher, "workshop.sent", story_id=story.id, purpose="workshop_prep")
    record(researcher, "story.exported", story_id=story.id, purpose="research", format="qdpx")
    tx.commit()
    _move("story.read", "research", [datetime(2026, 3, d, 10) for d in (3, 3, 4, 4, 5, 5, 6, 7, 7, 8, 9, 9)]
          + [datetime(2026, 6, 2, 9)])
    _move("story.read", "workshop_prep", [datetime(2026, 6, 10, 9)])
    _move("workshop.sent", "workshop_prep", [datetime(2026, 6, 11, 9)])
    _move("story.exported", "research", [datetime(2026, 4, 1, 9)])

    section = _uses_section(teller_client.get(f"/stories/{story.id}").get_data(as_text=True))
    assert _items(section) == [
        "Researchers sent you a workshop version with names replaced, to approve, once on 11 June 2026.",
        "Researchers read it once on 10 June 2026, to prepare a workshop version with names replaced.",
        "Researchers read it once on 2 June 2026, for research.",
        "A copy left storybank: exported for analysis in another tool by researchers once on 1 April 2026, "
        "as a project file for qualitative-analysis software such as NVivo, ATLAS.ti or MAXQDA.",
        "Researchers read it 12 times between 3 and 9 March 2026, for research.",
    ]
    for code in ("workshop.sent", "workshop_prep", "story.read", "qdpx", "<table"):
        assert code not in section
    assert researcher.email not in section

    # The download keeps every single row, with its exact time and code.
    with zipfile.ZipFile(io.BytesIO(teller_client.get("/me/export").data)) as archive:
        uses = json.loads(archive.read("stories.json"))[0]["uses"]
    assert len(uses) == 16
    assert {"at": "2026-03-03T10:00:00", "by_roles": ["researcher"], "action": "story.read",
            "purpose": "research"} in uses


def test_a_story_nobody_used_says_so_and_others_never_see_the_list(app, login_as, make_story):
    teller_client, teller = login_as("storyteller")
    story = make_story(teller)
    page = teller_client.get(f"/stories/{story.id}").get_data(as_text=True)
    assert "No one else has used it yet." in _uses_section(page)
    researcher_client, _ = login_as("researcher")
    assert "Who used this story" not in researcher_client.get(f"/stories/{story.id}").get_data(as_text=True)


def test_date_ranges_read_as_people_write_them():
    assert date_range(date(2026, 3, 3), date(2026, 3, 3)) == "on 3 March 2026"
    assert date_range(date(2026, 3, 3), date(2026, 3, 9)) == "between 3 and 9 March 2026"
    assert date_range(date(2026, 2, 28), date(2026, 3, 2)) == "between 28 February and 2 March 2026"
    assert date_range(date(2025, 12, 30), date(2026, 1, 2)) == "between 30 December 2025 and 2 January 2026"
