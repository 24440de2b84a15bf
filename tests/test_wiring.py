"""Cross-feature hooks are connected in one place at app creation, and each app has its own."""
from __future__ import annotations

import re
from pathlib import Path

import storybank
from storybank import create_app, hooks
from storybank.archive import withdrawal


def test_each_feature_lists_what_it_connects(app):
    listing = hooks.current().listing()
    assert listing == {
        "coding": [("withdrawal", "storybank.coding.codings.delete_codings_of"),
                   ("revision", "storybank.coding.reanchor.reanchor")],
        "suggestions": [("withdrawal", "storybank.coding.suggest.delete_decisions_of"),
                        ("withdrawal", "storybank.coding.suggest_classifier.forget_withdrawn_story"),
                        ("consent", "storybank.coding.suggest_classifier.forget_unconsented_story")],
        "workshop versions": [("consent", listing["workshop versions"][0][1]),
                              ("claim", listing["workshop versions"][1][1]),
                              ("revision", listing["workshop versions"][2][1]),
                              ("withdrawal", listing["workshop versions"][3][1]),
                              ("workshop_text", listing["workshop versions"][4][1])],
        "story sets": [("revision", "storybank.workshops.hooks.follow_revision"),
                       ("withdrawal", "storybank.workshops.hooks.withdraw_step")],
        "withdrawal ledger": [("withdrawal", "storybank.ledger.record_withdrawal")],
    }
    assert all(name.startswith("storybank.deid.") for _kind, name in listing["workshop versions"])


def test_hooks_are_connected_only_in_wiring_and_per_app(app, tmp_path):
    """No module connects a hook as a side effect of being imported; a second app gets its own hooks."""
    package = Path(storybank.__file__).parent
    module_level_connections = re.compile(r"^(@\S*register|\S*(register_\w+|hooks\.current\(\)\.add)\()", re.M)
    connecting = [str(path.relative_to(package)) for path in package.rglob("*.py")
                  if module_level_connections.search(path.read_text())]
    assert connecting == []
    other = create_app({**app.config, "INSTANCE_PATH": str(tmp_path), "SEARCH_REPAIR_ON_START": False})
    with other.app_context():
        theirs = hooks.current()
    assert theirs is not hooks.current()
    assert theirs.listing() == hooks.current().listing()


def test_withdrawal_runs_every_connected_step_in_order(app, make_user, make_story, monkeypatch):
    ran = []
    connected = hooks.current()
    monkeypatch.setattr(connected, "withdrawal", [
        lambda story: ran.append(("first", story.id)) or {"first": 1},
        lambda story: ran.append(("second", story.id)) or {"second": 2},
    ])
    teller = make_user("storyteller")
    story = make_story(teller)
    tombstone = withdrawal.withdraw_story(teller, story.id)
    assert ran == [("first", story.id), ("second", story.id)]
    assert tombstone.removed_counts == {"first": 1, "second": 2, "revisions": 1}
