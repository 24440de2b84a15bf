"""What an operator relies on: health answers, request ids in the log, no search words in it, proxies."""
from __future__ import annotations

import json
import logging

import pytest
from conftest import make_app
from sqlalchemy import text

from storybank import ledger, request_log, tx
from storybank.extensions import db
from storybank.health import code_heads


def test_healthz_answers_without_the_database(app):
    db.engine.dispose()
    app.config["SQLALCHEMY_DATABASE_URI"] = "postgresql+psycopg://nobody@127.0.0.1:1/none"
    response = app.test_client().get("/healthz")
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}


def test_readyz_says_ready_when_the_database_is_current(app):
    response = app.test_client().get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ready"}


def test_readyz_is_503_with_a_reason_when_migrations_are_behind(app):
    (head,) = code_heads()
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    try:
        response = app.test_client().get("/readyz")
    finally:  # the PostgreSQL database is shared by the run's tests
        with db.engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = :head"), {"head": head})
    assert response.status_code == 503
    reasons = response.get_json()["reasons"]
    assert "storybank db upgrade" in reasons[0] and "0001" in reasons[0]


def test_readyz_is_503_while_the_ledger_names_a_story_the_database_still_holds(app, make_story):
    story = make_story(title="Ledger canary LEDGERCANARY")
    ledger.append([(story.id, story.created_at)])
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert "withdrawal ledger" in response.get_json()["reasons"][0]
    assert "LEDGERCANARY" not in response.get_data(as_text=True)
    assert ledger.reapply() == 1
    tx.commit()
    assert app.test_client().get("/readyz").status_code == 200


def test_each_request_logs_one_line_with_its_id_and_no_query_string(app, caplog):
    client = app.test_client()
    with caplog.at_level(logging.INFO, logger="storybank.request"):
        given = client.get("/search?q=Margaret+Okafor&site=Salford", headers={"X-Request-ID": "proxy-id-42"})
        fresh = client.get("/healthz", headers={"X-Request-ID": "not valid; <script>"})
    assert given.headers["X-Request-ID"] == "proxy-id-42"
    assert fresh.headers["X-Request-ID"] not in ("", "not valid; <script>") and len(fresh.headers["X-Request-ID"]) == 32
    lines = [r for r in caplog.records if r.name == "storybank.request"]
    assert [(r.request_id, r.method, r.path, r.status) for r in lines] == [
        ("proxy-id-42", "GET", "/search", given.status_code),
        (fresh.headers["X-Request-ID"], "GET", "/healthz", 200),
    ]
    assert "Okafor" not in caplog.text and "Salford" not in caplog.text


def test_json_lines_carry_the_request_fields(app, capsys):
    request_log.configure_logging(json_lines=True)
    try:
        app.test_client().get("/healthz?q=secretword", headers={"X-Request-ID": "abc-1"})
    finally:
        logger = logging.getLogger("storybank")
        logger.handlers[:] = []
        logger.propagate = True
        logger.setLevel(logging.NOTSET)
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    entry = next(e for e in lines if e["logger"] == "storybank.request")
    assert entry["request_id"] == "abc-1" and entry["path"] == "/healthz" and entry["status"] == 200
    assert "secretword" not in json.dumps(lines)


def _remote_logged(application, caplog, headers: dict) -> str:
    with caplog.at_level(logging.INFO, logger="storybank.request"):
        caplog.clear()
        application.test_client().get("/healthz", headers=headers)
    return next(r.remote for r in caplog.records if r.name == "storybank.request")


def test_forwarded_headers_are_trusted_only_from_the_configured_proxies(tmp_path, sqlite_template, postgres_url,
                                                                      caplog):
    forwarded = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
    direct = make_app("sqlite", tmp_path / "direct", sqlite_template, postgres_url)
    assert _remote_logged(direct, caplog, forwarded) == "127.0.0.1"
    proxied = make_app("sqlite", tmp_path / "proxied", sqlite_template, postgres_url, PROXIES=1)
    seen = {}

    @proxied.after_request
    def _scheme(response):
        from flask import request

        seen["scheme"] = request.scheme
        return response

    assert _remote_logged(proxied, caplog, forwarded) == "203.0.113.9"
    assert seen["scheme"] == "https"


def test_the_wsgi_entry_point_serves_the_configured_instance(app):
    """`gunicorn storybank.wsgi:app` gets the same app, configured from the environment."""
    import subprocess
    import sys

    from serving_helpers import ROOT, server_env

    code = ("from storybank.wsgi import app; c = app.test_client(); r = c.get('/readyz'); "
            "print(r.status_code, r.headers['X-Request-ID'] != '', app.config['SQLALCHEMY_DATABASE_URI'])")
    db.engine.dispose()
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=server_env(app), capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["200", "True", app.config["SQLALCHEMY_DATABASE_URI"]]


@pytest.mark.serving
def test_serve_applies_the_ledger_before_it_serves(tmp_path, sqlite_template, postgres_url):
    """A database put back by hand (not `storybank restore`) still never serves a withdrawn story."""
    from conftest import PASSWORD
    from serving_helpers import call, running_server

    from storybank.accounts.services import create_token, create_user
    from storybank.archive.models import STATUS_WITHDRAWN, Story
    from storybank.archive.stories import submit_story
    from storybank.archive.validation import StoryDraft

    application = make_app("sqlite", tmp_path, sqlite_template, postgres_url)
    with application.app_context():
        teller = create_user(None, "teller@example.org", PASSWORD, ["storyteller"], "")
        researcher = create_user(None, "r@example.org", PASSWORD, ["researcher"], "")
        story = submit_story(teller, StoryDraft(title="Put back by hand", body="Words SERVECANARY here.",
                                                kind="lived_experience", consent={"research": True},
                                                attribution="anonymous"))
        tx.commit()
        story_id, token = story.id, create_token(researcher)
        tx.commit()
        ledger.append([(story_id, story.created_at)])  # withdrawn later; this database predates it
        db.session.remove()
        db.engine.dispose()
        with running_server(application, 1, tmp_path / "serve.log") as base:
            assert call(base, "GET", f"/api/v1/stories/{story_id}", token)[0] == 404
            status, _h, found = call(base, "GET", "/api/v1/search?q=SERVECANARY&purpose=research", token)
            assert status == 200 and found["total"] == 0
        assert db.session.get(Story, story_id).status == STATUS_WITHDRAWN
