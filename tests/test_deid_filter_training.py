"""The learned-filter measurement (benchmarks/train_deid_filter.py) runs end to end on tiny sets."""
from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def script():
    spec = importlib.util.spec_from_file_location("train_deid_filter", ROOT / "benchmarks" / "train_deid_filter.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    yield module
    del sys.modules[spec.name]


# Each tiny set marks the person and leaves the library unmarked, so both a kind and NONE are there to learn.
TINY = [
    ("Wiremu Tane rang me from Ashdown Library on Tuesday.", "Wiremu Tane"),
    ("I sat with Oksana Melnyk outside Fernhill Library all morning.", "Oksana Melnyk"),
    ("Then Baraka Otieno walked me to Larkrise Library and left.", "Baraka Otieno"),
    ("Ring Dorcas Mensah on 07700 900417 about Brookvale Library.", "Dorcas Mensah"),
]


def _tiny(folder: Path, n: int, name: str | None = None) -> Path:
    text, person = TINY[n]
    path = folder / (name or f"tiny{n}.yaml")
    path.write_text(yaml.safe_dump({"passages": [
        {"id": f"t{n}", "text": text, "identifiers": [{"text": person, "type": "PERSON"}]}]}))
    return path


def test_it_trains_on_tiny_sets_prints_the_tables_and_writes_json(script, tmp_path, capsys):
    sets = [arg for n in range(3) for arg in ("--set", str(_tiny(tmp_path, n)))]
    out = tmp_path / "model.json"
    script.main([*sets, "--out", str(out), "--measure-on", str(_tiny(tmp_path, 3))])

    printed = capsys.readouterr().out
    assert "Leave one set out" in printed and "| tiny0.yaml | ALL |" in printed and "| tiny2.yaml | ALL |" in printed
    assert "The final model on sets it never saw" in printed and "| tiny3.yaml | ALL |" in printed
    model = json.loads(out.read_text())
    assert model["feature_version"] == script.judging.FEATURE_VERSION
    assert {"PERSON", script.judging.NONE} <= set(model["classes"])
    assert all(len(row) == len(model["classes"]) for row in model["weights"].values())


def test_it_never_reads_a_sealed_set_to_train_or_to_measure(script, tmp_path):
    (tmp_path / "sealed").mkdir()
    sealed = _tiny(tmp_path / "sealed", 0)
    with pytest.raises(SystemExit, match="sealed set is never read"):
        script.main(["--set", str(sealed), "--no-table"])
    with pytest.raises(SystemExit, match="sealed set is never read"):
        script.main(["--set", str(_tiny(tmp_path, 1)), "--no-table", "--measure-on", str(sealed)])


def test_the_sixth_set_may_now_be_trained_on(script, tmp_path):
    assert "deid_fresh_heldout6.yaml" in script.TRAINING_SETS
    assert not script.sealed(_tiny(tmp_path, 0, "deid_fresh_heldout6.yaml"))


def test_contact_details_are_out_of_the_filters_reach(script, tmp_path):
    """A model that calls everything NONE drops the name and the library, never the phone number."""
    passages = script.read_sets([_tiny(tmp_path, 3)])
    everything_is_none = {"feature_version": script.judging.FEATURE_VERSION, "classes": [script.judging.NONE, "PERSON"],
                          "intercept": [5.0, 0.0], "weights": {}, "retype": {}, "retype_threshold": {},
                          "drop_threshold": {k: 0.5 for k in ("PERSON", "PLACE", "ORG", "PHONE")}}
    script.set_probs(everything_is_none, script.judged_items(passages))
    before, after = script.score(passages, None), script.score(passages, everything_is_none)
    assert before["proposed"]["PHONE"] == after["proposed"]["PHONE"] == 1
    assert before["proposed"]["PERSON"] == 1 and after["proposed"]["PERSON"] == 0
    assert after["leaked"]["PERSON"] == 1
