"""Creating an app for tests writes nothing into the checkout: no secret key, no database, no index."""
from __future__ import annotations

from conftest import ROOT, _base_config, _checkout_instance_files

from storybank import create_app


def test_an_app_with_its_own_instance_leaves_the_checkout_alone(tmp_path):
    before = _checkout_instance_files()
    create_app(_base_config(tmp_path / "instance", f"sqlite:///{tmp_path / 'db.sqlite3'}"))
    assert _checkout_instance_files() == before
    assert not (ROOT / "instance" / "secret_key").exists() or "secret_key" in before
