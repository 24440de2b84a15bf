"""Shared fixtures: an app on SQLite and on PostgreSQL, clients, accounts and story factories.

Every test that takes `app` runs twice, once per database. The PostgreSQL half is
skipped, with the reason shown, only when no server answers on 127.0.0.1:5432.
"""
from __future__ import annotations

import contextvars
import functools
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import openapi_check
import pytest
from flask import Flask
from flask.testing import FlaskClient

from storybank import create_app, tx
from storybank.accounts.models import User
from storybank.accounts.services import create_user
from storybank.archive.models import Story
from storybank.archive.stories import submit_story
from storybank.archive.validation import StoryDraft
from storybank.extensions import db

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = os.environ.get("STORYBANK_TEST_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
PG_TEST_DB = f"storybank_test_{os.getpid()}"  # one per run: parallel runs never share it
PASSWORD = "correct horse battery"


def _share_url_builders() -> None:
    """Every test's app reuses the URL builders werkzeug compiled for the first app's same rules.

    Werkzeug compiles two small Python functions for each of the app's ~170 routes (parse a
    generated syntax tree, then compile it): 0.2 s of the 0.25 s that creating an app takes, and
    the suite creates an app for every test. A builder depends only on the rule's text, its parsed
    parts, its defaults and converters, all in the key; it reaches its own rule through its first
    argument, so one function serves every equal rule. Production compiles them as before.
    """
    from werkzeug.routing.rules import Rule

    compile_builder = getattr(Rule, "_compile_builder", None)
    if compile_builder is None:  # a werkzeug without it: nothing to share, nothing changes
        return
    builders: dict[tuple, Callable] = {}

    def shared(rule: Rule, append_unknown: bool = True) -> Callable:
        converters = tuple(sorted((name, type(c).__qualname__, repr(sorted(
            (k, repr(v)) for k, v in vars(c).items() if k != "map"))) for name, c in rule._converters.items()))
        key = (type(rule), rule.rule, tuple(rule._trace), repr(sorted((rule.defaults or {}).items())), converters,
               append_unknown)
        if key not in builders:
            builders[key] = compile_builder(rule, append_unknown)
        return builders[key]

    Rule._compile_builder = shared


_share_url_builders()


def _base_config(instance: Path, database_url: str) -> dict:
    instance.mkdir(parents=True, exist_ok=True)
    return {
        "TESTING": True,
        "INSTANCE_PATH": str(instance),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "INDEX_DIR": str(instance / "search-index"),
        "SECRET_KEY": "test-secret-key-not-for-production",
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
        "SERVER_NAME": None,
        "DEID_ON_SAVE": False,  # the workshop-version tests turn it on; elsewhere spaCy would only slow stories down
    }


def _upgrade(app: Flask) -> None:
    from flask_migrate import upgrade

    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        db.engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Migrate once; each test gets a copy of the migrated file."""
    folder = tmp_path_factory.mktemp("sqlite-template")
    path = folder / "storybank.sqlite3"
    _upgrade(create_app(_base_config(folder, f"sqlite:///{path}")))
    return path


@pytest.fixture(scope="session")
def postgres_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str | None]:
    """A fresh, migrated PostgreSQL database for this run, or None with the reason recorded."""
    try:
        import psycopg
    except ImportError:
        yield None
        return
    admin = PG_ADMIN_URL.replace("postgresql+psycopg://", "postgresql://")
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=3) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{PG_TEST_DB}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{PG_TEST_DB}"')
    except psycopg.Error as err:
        os.environ["STORYBANK_PG_SKIP_REASON"] = f"PostgreSQL not reachable at {admin}: {err}".splitlines()[0]
        yield None
        return
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{PG_TEST_DB}"
    _upgrade(create_app(_base_config(tmp_path_factory.mktemp("pg-template"), url)))
    yield url
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{PG_TEST_DB}" WITH (FORCE)')


def _empty_postgres(url: str) -> None:
    """Every row gone and every id sequence back at 1, as TRUNCATE ... RESTART IDENTITY leaves it.

    DELETE, children first, takes about 20 ms for the few rows a test leaves; TRUNCATE, which
    gives every table and index a new file, took 450-700 ms a test. Done before the app is
    created, so its start-up index repair sees an empty database, as on SQLite.
    """
    import psycopg

    from storybank import models  # noqa: F401  (registers every table)

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(f'DELETE FROM "{table.name}"')
        conn.execute("SELECT setval(oid, 1, false) FROM pg_class WHERE relkind = 'S'")


class IsolatedClient(FlaskClient):
    """Each request runs outside the test's app context, as in production.

    Without this a request would reuse the test's app context: `g` (and with it
    Flask-Login's cached user) and the database session would leak between requests.
    """

    def open(self, *args: object, **kwargs: object):
        return contextvars.Context().run(super().open, *args, **kwargs)


def make_app(kind: str, tmp_path: Path, sqlite_template: Path, postgres_url: str | None, **overrides: object) -> Flask:
    instance = tmp_path / "instance"
    if kind == "sqlite":
        instance.mkdir(parents=True, exist_ok=True)
        shutil.copy(sqlite_template, instance / "storybank.sqlite3")
        config = _base_config(instance, f"sqlite:///{instance / 'storybank.sqlite3'}")
    else:
        if postgres_url is None:
            pytest.skip(os.environ.get("STORYBANK_PG_SKIP_REASON", "PostgreSQL is not available"))
        _empty_postgres(postgres_url)
        config = _base_config(instance, postgres_url)
    config.update(overrides)
    app = create_app(config)
    app.test_client_class = IsolatedClient
    openapi_check.install(app)  # every API answer is held to the OpenAPI document
    return app


@pytest.fixture(params=["sqlite", "postgresql"])
def app(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path,
        postgres_url: str | None) -> Iterator[Flask]:
    application = make_app(request.param, tmp_path, sqlite_template, postgres_url)
    with application.app_context():
        yield application
        from storybank.archive.compaction import wait_for_compaction

        db.session.remove()  # the test's own reads would hold the locks a background compaction waits for
        wait_for_compaction(120)  # a compaction a withdrawal left to finish in the background uses this engine
        db.engine.dispose()
    violations = application.extensions["openapi_violations"]
    assert not violations, "API answers that the OpenAPI document does not allow:\n" + "\n".join(violations[:20])


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@functools.cache
def _hash_of_test_password() -> str:
    from werkzeug.security import generate_password_hash

    return generate_password_hash(PASSWORD)


@contextmanager
def shared_password_hash() -> Iterator[None]:
    """Accounts made here with PASSWORD get one real scrypt hash of it, computed once per run.

    Each scrypt hash costs a tenth of a second or more (and 32 MB); made afresh for every
    factory account it was a fifth of the suite's time. Other passwords, and every
    sign-in's check, still run scrypt as in production.
    """
    from storybank.accounts import services

    real = services.generate_password_hash

    def generate(password: str, *args: object, **kwargs: object) -> str:
        return _hash_of_test_password() if password == PASSWORD and not args and not kwargs else \
            real(password, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(services, "generate_password_hash", generate)
        yield


@pytest.fixture
def make_user(app: Flask) -> Callable[..., User]:
    counter = {"n": 0}

    def factory(*roles: str, email: str | None = None, name: str = "") -> User:
        counter["n"] += 1
        with shared_password_hash():
            user = create_user(None, email or f"{'-'.join(roles) or 'user'}{counter['n']}@example.org",
                               PASSWORD, list(roles) or ["storyteller"], name)
        tx.commit()
        return user

    return factory


def sign_in(client: FlaskClient, user: User) -> FlaskClient:
    """Put the user in the client's session, as Flask-Login does after a real sign-in."""
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    return client


@pytest.fixture
def login_as(app: Flask, make_user: Callable[..., User]) -> Callable[..., tuple[FlaskClient, User]]:
    def factory(*roles: str, user: User | None = None) -> tuple[FlaskClient, User]:
        user = user or make_user(*roles)
        return sign_in(app.test_client(), user), user

    return factory


DEFAULT_BODY = (
    "I waited eleven weeks for the first appointment. When it came, I had to tell my story again, "
    "from the start, to someone new.\n\nThe peer worker at the hub was the first person who listened."
)


@pytest.fixture
def make_story(app: Flask, make_user: Callable[..., User]) -> Callable[..., Story]:
    def factory(teller: User | None = None, *, title: str = "Waiting for something better", body: str = DEFAULT_BODY,
                kind: str = "lived_experience", site: str = "Salford", consent: dict | None = None,
                attribution: str = "pseudonym", signifiers: dict | None = None) -> Story:
        teller = teller or make_user("storyteller")
        story = submit_story(teller, StoryDraft(
            title=title, body=body, kind=kind, site=site,
            consent=consent if consent is not None else {"research": True, "workshop": True, "publication": False},
            attribution=attribution, signifiers=signifiers,
        ))
        tx.commit()
        return story

    return factory


def api_client(app: Flask, user: User) -> FlaskClient:
    """A client that calls the JSON API with a fresh bearer token of this user."""
    from storybank.accounts.services import create_token

    token = create_token(user)
    tx.commit()
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client


def csrf_token(client: FlaskClient, path: str) -> str:
    """Fetch a page and read the CSRF token out of its form, as a browser would."""
    import re

    page = client.get(path)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.get_data(as_text=True)) or re.search(
        r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True))
    assert match, f"no CSRF token on {path} ({page.status_code})"
    return match.group(1)


def _checkout_instance_files() -> dict[str, float]:
    folder = ROOT / "instance"
    return {str(p.relative_to(folder)): p.stat().st_mtime for p in folder.rglob("*")} if folder.exists() else {}


_INSTANCE_AT_START = _checkout_instance_files()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Tests never write into the checkout's instance/ folder (a developer's demo data lives there)."""
    if _checkout_instance_files() != _INSTANCE_AT_START:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        print("\nFAILED: the test run wrote into the checkout's instance/ folder; tests must use tmp_path.")


@pytest.fixture()
def rules_only(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """De-identification with its rules alone, as on a machine with no language model installed."""
    from storybank.deid import detect

    detect.load.cache_clear()
    monkeypatch.setattr(detect, "model_name", lambda: "no-such-model-installed")
    yield
    detect.load.cache_clear()


def deid_found(text: str) -> set[tuple[str, str]]:
    """(text, kind) of every identifier proposed in `text`."""
    from storybank.deid import detect

    return {(p.text, p.type) for p in detect.detect(text)}
