"""The migrations build the schema the models describe, on both databases."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from storybank.extensions import db


def test_migrated_database_matches_the_models(app):
    # The `app` fixture's database was built by `flask db upgrade` from migrations/ alone.
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == [], f"models and migrations disagree: {differences}"


def test_every_table_is_created_by_migrations(app):
    tables = set(inspect(db.engine).get_table_names())
    assert set(db.metadata.tables) <= tables
    assert "alembic_version" in tables


def test_upgrade_from_empty_is_repeatable(tmp_path):
    """`storybank db upgrade` on an existing database changes nothing and does not fail."""
    from conftest import ROOT
    from flask_migrate import upgrade

    from storybank import create_app

    url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    app = create_app({"INSTANCE_PATH": str(tmp_path), "SQLALCHEMY_DATABASE_URI": url,
                      "SECRET_KEY": "x" * 32})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        first = sorted(inspect(db.engine).get_table_names())
        upgrade(directory=str(ROOT / "migrations"))
        assert sorted(inspect(db.engine).get_table_names()) == first
        db.engine.dispose()


def test_search_generation_downgrades_and_upgrades_again(app, make_story):
    """0015 goes back to 0014 and forward again on both databases, the rows' stamps starting again at 0."""
    from conftest import ROOT
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import select

    from storybank.search.models import SearchDocument

    make_story(body="A story written before the downgrade.")
    folder = str(ROOT / "migrations")
    db.session.remove()
    try:
        downgrade(directory=folder, revision="0014")
        columns = {c["name"] for c in inspect(db.engine).get_columns("search_documents")}
        assert "generation" not in columns and "search_generation" not in inspect(db.engine).get_table_names()
    finally:
        upgrade(directory=folder)
    assert set(db.session.scalars(select(SearchDocument.generation))) == {0}
    test_migrated_database_matches_the_models(app)
