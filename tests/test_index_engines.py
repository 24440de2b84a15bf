"""One search interface: both engines implement all of `SearchEngine`, and nobody asks which one they have."""
from __future__ import annotations

import inspect
import re
from pathlib import Path

from conftest import ROOT

from storybank.search import indexing
from storybank.search.engine import SearchEngine
from storybank.search.postgres_engine import PostgresEngine
from storybank.search.whoosh_engine import WhooshEngine

ENGINES = (WhooshEngine, PostgresEngine)


def _protocol_methods() -> list[str]:
    return [name for name, value in vars(SearchEngine).items()
            if not name.startswith("_") and inspect.isfunction(value)]


def test_the_protocol_names_every_operation_callers_need():
    assert set(_protocol_methods()) >= {"record_fields", "follow_commit", "write", "rebuild", "search", "count",
                                        "exists", "close_readers", "purge_leftovers", "clear_cache"}
    assert set(SearchEngine.__annotations__) == {"name", "transactional"}


def test_both_engines_implement_every_method_with_the_protocols_parameters(tmp_path):
    for engine_class in ENGINES:
        for name in _protocol_methods():
            method = getattr(engine_class, name, None)
            assert callable(method), f"{engine_class.__name__} lacks {name}"
            wanted = list(inspect.signature(getattr(SearchEngine, name)).parameters)
            got = list(inspect.signature(method).parameters)
            assert got == wanted, f"{engine_class.__name__}.{name}{got} differs from the protocol's {wanted}"
        for attribute in SearchEngine.__annotations__:
            assert isinstance(getattr(engine_class, attribute), str | bool)
    assert isinstance(WhooshEngine(tmp_path / "index"), SearchEngine)
    assert isinstance(PostgresEngine(), SearchEngine)


def test_the_app_gets_an_engine_that_satisfies_the_protocol(app):
    engine = indexing.engine()
    assert isinstance(engine, SearchEngine)
    assert engine.exists()
    assert engine.count("research") == 0


ASKING = re.compile(
    r"WhooshEngine|PostgresEngine|whoosh_engine|postgres_engine|\.transactional\b"
    r"|isinstance\([^)]*Engine|(?<!dialect)\.name\s*[!=]=\s*[\"'](whoosh|postgresql)[\"']")


def test_no_caller_outside_search_branches_on_the_engine():
    offenders = []
    for path in sorted((ROOT / "storybank").rglob("*.py")):
        if Path("storybank/search") in path.relative_to(ROOT).parents:
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if ASKING.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


def test_inside_search_only_the_engines_and_their_chooser_name_an_engine():
    allowed = {"whoosh_engine.py", "postgres_engine.py", "indexing.py", "engine.py"}
    offenders = []
    for path in sorted((ROOT / "storybank" / "search").glob("*.py")):
        if path.name in allowed:
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if ASKING.search(line):
                offenders.append(f"{path.name}:{number}: {line.strip()}")
    assert offenders == []
