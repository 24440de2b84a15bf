"""Agreement for every code and overall: the same figures as one code at a time, and as the references."""
from __future__ import annotations

import math
import random
import warnings

import krippendorff
import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score

from storybank import tx
from storybank.accounts.services import create_token
from storybank.coding.agreement_all_codes import agreement_overview, figures_from_marks
from storybank.coding.agreement_by_code import code_agreement
from storybank.coding.codebook import create_code
from storybank.coding.codings import apply_coding

BODY = ("I waited eleven weeks. Nobody called me back. The hub was warm. The peer worker listened. "
        "My GP sent a letter. It came back unopened. Then my sister drove me there. I still go on Thursdays.")


def _close(ours: float | None, reference: float) -> bool:
    if math.isnan(reference):
        return ours is None
    return ours is not None and math.isclose(ours, reference, rel_tol=0, abs_tol=1e-9)


def _references(marks: np.ndarray, present: np.ndarray) -> tuple[float, float | None, float | None]:
    """krippendorff.alpha on the matrix with missing values; sklearn kappa and percent on complete units."""
    data = np.where(present, marks.astype(float), np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            alpha = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
        except ValueError:
            alpha = math.nan
    complete = present.all(axis=0)
    percent = kappa = None
    if complete.any():
        rows = marks[:, complete]
        percent = float((rows.min(axis=0) == rows.max(axis=0)).mean())
        if marks.shape[0] == 2:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                kappa = float(cohen_kappa_score(rows[0].astype(int), rows[1].astype(int)))
    return alpha, percent, kappa


@pytest.mark.parametrize("seed", range(120))
def test_counts_give_the_reference_figures_with_missing_coders(seed):
    rng = random.Random(seed)
    coders = rng.choice([2, 2, 3, 4])
    blocks = [rng.randint(1, 8) for _ in range(rng.randint(1, 6))]
    present = np.concatenate([np.array([[rng.random() < 0.8] * size for _ in range(coders)]).reshape(coders, size)
                              for size in blocks], axis=1)
    p = rng.choice([0.0, 0.1, 0.5, 0.9, 1.0])
    marks = np.array([[rng.random() < p for _ in range(present.shape[1])] for _ in range(coders)]) & present
    ours = figures_from_marks(marks, present)
    alpha, percent, kappa = _references(marks, present)
    assert _close(ours.krippendorff_alpha, alpha), (ours, alpha)
    assert ours.percent_agreement == pytest.approx(percent, abs=1e-9) if percent is not None else \
        ours.percent_agreement is None
    if coders == 2 and kappa is not None:
        assert _close(ours.cohen_kappa, kappa), (ours.cohen_kappa, kappa)


def _coded_archive(make_user, make_story, stories: int = 6):
    teller = make_user("storyteller")
    coders = [make_user("researcher") for _ in range(3)]
    codes = [create_code(coders[0], name) for name in ("Waiting", "Family", "Peer support")]
    tx.commit()
    rng = random.Random(7)
    sentences, at = [], 0
    for part in BODY.split(". "):
        sentences.append((at, at + len(part)))
        at += len(part) + 2
    made = []
    for n in range(stories):
        story = make_story(teller, title=f"Story {n}", body=BODY)
        made.append(story)
        for coder in coders[: 3 if n % 3 else 2]:  # the third coder skipped every third story
            for code in codes:
                for start, end in sentences:
                    if rng.random() < 0.3:
                        apply_coding(coder, story.id, code.id, start + 1, end - 1)
            if rng.random() < 0.2:
                apply_coding(coder, story.id, codes[1].id)  # a whole-story coding
    tx.commit()
    return coders, codes, made


def test_every_code_has_the_figures_of_its_own_agreement_page(app, make_user, make_story):
    coders, codes, _ = _coded_archive(make_user, make_story)
    overview = agreement_overview(coders[0])
    assert [c.id for c in overview.coders] == sorted(c.id for c in coders)
    assert overview.stories == 6
    by_code = {code.id: figures for code, figures, _ in overview.codes}
    for code in codes:
        single = code_agreement(coders[0], code.id)
        ours = by_code[code.id]
        for key in ("percent_agreement", "cohen_kappa", "krippendorff_alpha"):
            expected = single[key]
            got = getattr(ours, key)
            assert (got is None and expected is None) or math.isclose(got, expected, abs_tol=1e-9), (code.name, key)
        assert ours.units_all_coders == single["units_all_coders"]
    # Two coders: kappa is defined, per code and overall.
    pair = agreement_overview(coders[0], [coders[0].id, coders[1].id])
    assert pair.overall.cohen_kappa is not None
    assert all(f.cohen_kappa == pytest.approx(code_agreement(coders[0], code.id, [coders[0].id, coders[1].id])
                                              ["cohen_kappa"], abs=1e-9) for code, f, _ in pair.codes)


def test_overall_is_every_sentence_code_pair_as_a_unit(app, make_user, make_story):
    coders, codes, _ = _coded_archive(make_user, make_story, stories=4)
    overview = agreement_overview(coders[0])
    assert overview.overall.units == overview.sentences * len(overview.codes)
    assert overview.overall.krippendorff_alpha is not None
    alphas = [f.krippendorff_alpha for _, f, marked in overview.codes if marked]
    assert min(alphas) - 1e-9 <= overview.overall.krippendorff_alpha <= max(alphas) + 1e-9 or len(alphas) == 1


def test_a_story_out_of_research_scope_leaves_the_figures(app, make_user, make_story):
    from storybank.archive.consent import change_consent

    coders, codes, made = _coded_archive(make_user, make_story, stories=3)
    before = agreement_overview(coders[0])
    change_consent(made[0].teller, made[0].id, {"research": False})
    tx.commit()
    after = agreement_overview(coders[0])
    assert after.stories == before.stories - 1
    assert after.sentences < before.sentences


def test_the_page_and_the_api_show_the_overview(app, make_user, make_story, login_as):
    coders, codes, _ = _coded_archive(make_user, make_story, stories=3)
    client, _ = login_as(user=coders[0])
    page = client.get("/codebook/agreement")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    overview = agreement_overview(coders[0])
    assert f"{overview.overall.krippendorff_alpha:.3f}" in html
    assert "<svg" in html and "Krippendorff" in html
    for code in codes:
        assert code.name in html
    chosen = client.get("/codebook/agreement", query_string={"coder": [coders[0].id, coders[1].id]})
    assert "Cohen&#39;s kappa" in chosen.get_data(as_text=True) or "Cohen's kappa" in chosen.get_data(as_text=True)
    token = create_token(coders[1])
    tx.commit()
    api = client.get("/api/v1/agreement", headers={"Authorization": f"Bearer {token}"},
                     query_string={"coder": [coders[0].id, coders[1].id]})
    assert api.status_code == 200
    data = api.get_json()
    assert data["coders"] == sorted([coders[0].id, coders[1].id])
    assert {c["code"] for c in data["codes"]} >= {c.name for c in codes}
    assert data["overall"]["cohen_kappa"] is not None


def test_with_nobody_to_compare_the_page_says_so(app, login_as):
    client, _ = login_as("researcher")
    page = client.get("/codebook/agreement")
    assert page.status_code == 200
    assert 'id="no-agreement"' in page.get_data(as_text=True)
