"""Identifier proposals: pattern rules always, the English model when installed (it is, via make test)."""
from __future__ import annotations

import pytest
from conftest import deid_found

from storybank.deid import detect as deid

TEXT = ("Dr Amir Siddiqui saw me on 14 March 2019. Call 07700 900123 or 0161 496 0123, "
        "mail jo.b@example.org, post to M7 4QP. NHS number 943 476 5919. I was 34; my son is a 12-year-old. "
        "My neighbour Delroy helped. Delroy still does.")




found = deid_found


def test_rules_find_contact_details_without_any_model(rules_only):
    assert deid.has_model() is False
    got = found(TEXT)
    assert {("07700 900123", "PHONE"), ("0161 496 0123", "PHONE"), ("jo.b@example.org", "EMAIL"),
            ("M7 4QP", "POSTCODE"), ("943 476 5919", "NHS_NUMBER"), ("14 March 2019", "DATE"),
            ("12-year-old", "AGE"), ("Dr Amir Siddiqui", "PERSON"), ("Delroy", "PERSON")} <= got


def test_offsets_are_code_points_and_spans_never_overlap(rules_only):
    text = "😀👩‍👩‍👧 Ring 07700 900456 — ask for Zofia. Zofia's café, SE11 5QY."
    proposals = deid.detect(text)
    for p in proposals:
        assert text[p.start:p.end] == p.text
    assert [(p.text, p.type) for p in proposals] == [("07700 900456", "PHONE"), ("Zofia", "PERSON"),
                                                     ("Zofia", "PERSON"), ("SE11 5QY", "POSTCODE")]
    ends = [(p.start, p.end) for p in proposals]
    assert all(a[1] <= b[0] for a, b in zip(ends, ends[1:], strict=False))


def test_cities_are_not_identifiers_but_smaller_places_are():
    deid.load.cache_clear()
    if not deid.has_model():
        pytest.skip("the English model is not installed (make test installs it from requirements/nlp.txt)")
    got = found("I moved from Salford to a flat in Moss Side, near Manchester, then to Harpurhey.")
    assert not any(text in ("Salford", "Manchester") for text, _ in got)


def test_the_model_finds_names_the_rules_cannot():
    deid.load.cache_clear()
    if not deid.has_model():
        pytest.skip("the English model is not installed (make test installs it from requirements/nlp.txt)")
    assert ("Amir Siddiqui", "PERSON") in found("I saw Amir Siddiqui at the hub.") or (
        "Siddiqui", "PERSON") in found("I saw Amir Siddiqui at the hub.")


def test_the_models_places_are_retyped_by_what_stands_around_them():
    deid.load.cache_clear()
    if not deid.has_model():
        pytest.skip("the English model is not installed (make test installs it from requirements/nlp.txt)")
    got = found("They held the wake at the Black Bull in Mossley. I worked with young people around Charlestown "
                "and Lower Kersal, and went with Tunde from Angell Town to his assessment.")
    assert ("Black Bull", "ORG") in got  # a pub, not a neighbourhood
    assert {("Lower Kersal", "PLACE"), ("Angell Town", "PLACE")} <= got
