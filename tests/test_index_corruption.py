"""A corrupted index segment is detected and rebuilt, never an empty answer or a lasting error.

The damaged index is read in a fresh process, as a worker would after a crash, so no
broken reader (and no open file of it) lingers in the test process.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from storybank.search import indexing

READ_AFTER_DAMAGE = """
import json, sys
from storybank import create_app
from storybank.accounts.services import find_by_email
from storybank.search import rebuilding, service

config = json.loads(sys.argv[1])
app = create_app(config["app"])
out = {}
with app.app_context():
    user = find_by_email(config["researcher"])
    try:
        out["first"] = sorted(h.id for h in service.search(user, "hub", per_page=50).hits)
    except rebuilding.SearchRebuilding as err:
        out["first"] = err.message
    rebuilding.wait(120)
    out["after"] = sorted(h.id for h in service.search(user, "hub", per_page=50).hits)
print(json.dumps(out))
"""


def _garble(folder: Path) -> list[str]:
    """Overwrite every segment file of the index with bytes of the same length (a disk fault)."""
    damaged = []
    for path in sorted(folder.glob("*.seg")):
        size = path.stat().st_size
        path.write_bytes(bytes((i * 97 + 13) % 256 for i in range(size)))
        damaged.append(path.name)
    return damaged


def test_a_corrupted_segment_is_detected_and_rebuilt(app, make_user, make_story):
    if indexing.engine().transactional:
        pytest.skip("PostgreSQL's index is the database's own table: there are no segment files to damage")
    researcher = make_user("researcher")
    stories = sorted(make_story(body=f"Story {n} about the hub and the waiting list.").id for n in range(6))
    index_dir = Path(app.config["INDEX_DIR"])
    assert _garble(index_dir / "research"), "the index has segment files to damage"
    settings = {key: app.config[key] for key in ("TESTING", "INSTANCE_PATH", "SQLALCHEMY_DATABASE_URI", "INDEX_DIR",
                                                  "SECRET_KEY", "DEID_ON_SAVE")}
    answer = subprocess.run([sys.executable, "-c", READ_AFTER_DAMAGE,
                             json.dumps({"app": settings, "researcher": researcher.email})],
                            capture_output=True, text=True, timeout=300, cwd=Path(__file__).resolve().parent.parent)
    assert answer.returncode == 0, answer.stderr[-3000:]
    seen = json.loads(answer.stdout.strip().splitlines()[-1])
    # Either the damage was found at start and already repaired, or search says it is being rebuilt:
    # never a partial or empty list of results.
    assert seen["first"] == stories or "Search is being rebuilt" in seen["first"], seen
    assert seen["after"] == stories
