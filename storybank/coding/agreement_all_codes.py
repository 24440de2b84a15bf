"""Agreement for every code at once, and overall (pooled over codes), on sentence units.

The units are those of `agreement_by_code.code_agreement`: the sentences of the
current revision of every research-visible story that at least two of the chosen
coders coded, with any code. That frame is the same for every code, so it is built
once; each coder's marks are then a boolean array per code, and the figures come
from counts (numpy), which keeps every code of a 100,000-coding project near a
second. Overall treats each (sentence, code) pair as one unit, as NVivo's and
ATLAS.ti's pooled figures do, so codes used often weigh more.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy import and_, func, select

from storybank import policy
from storybank.accounts.models import User
from storybank.archive.models import Story
from storybank.coding.agreement_by_code import coder_codings_on_current
from storybank.coding.codebook import all_codes
from storybank.coding.models import Code, Coding
from storybank.coding.units import fill_missing_units, unit_counts
from storybank.errors import InvalidInput
from storybank.extensions import db


@dataclass
class Figures:
    percent_agreement: float | None
    cohen_kappa: float | None
    krippendorff_alpha: float | None
    units: int  # sentence units (× codes, for the overall figure) seen by alpha
    units_all_coders: int  # of those, coded by every coder: percent agreement and kappa


@dataclass
class Overview:
    coders: list[User]
    stories: int
    sentences: int
    overall: Figures
    codes: list[tuple[Code, Figures, int]] = field(default_factory=list)  # with how many sentences it marks


@dataclass
class _Counts:
    """Sums over units that the three figures need; summing them over codes gives the pooled figures."""

    values: float = 0.0  # pairable values (n)
    ones: float = 0.0
    observed: float = 0.0  # Σ 2k(m-k)/(m-1): disagreeing ordered pairs, weighted
    pairable: int = 0
    complete: int = 0  # units every coder saw
    agreeing: int = 0  # of those, unanimous
    a: int = 0  # kappa's 2×2 table, two coders only
    b: int = 0
    both: int = 0

    def __add__(self, other: _Counts) -> _Counts:
        return _Counts(*(x + y for x, y in zip(vars(self).values(), vars(other).values(), strict=True)))

    def figures(self, coders: int) -> Figures:
        alpha = None
        zeros = self.values - self.ones
        expected = self.values * self.values - self.ones * self.ones - zeros * zeros
        if self.values >= 2 and expected > 0:
            alpha = float(1 - (self.values - 1) * self.observed / expected)
        percent = kappa = None
        n = self.complete
        if n and coders >= 2:
            percent = self.agreeing / n
            if coders == 2:
                agree = n - (self.a + self.b - 2 * self.both)
                chance = self.a * self.b + (n - self.a) * (n - self.b)
                if chance != n * n:
                    kappa = (n * agree - chance) / (n * n - chance)
        return Figures(percent, kappa, alpha, self.pairable, n)


def _counts(marks: np.ndarray, m: np.ndarray, pairable: np.ndarray, complete: np.ndarray) -> _Counts:
    k = marks.sum(axis=0)
    kp, mp = k[pairable], m[pairable]
    kc, mc = k[complete], m[complete]
    counts = _Counts(values=float(mp.sum()), ones=float(kp.sum()),
                     observed=float((2 * kp * (mp - kp) / (mp - 1)).sum()), pairable=int(pairable.sum()),
                     complete=int(complete.sum()), agreeing=int(((kc == 0) | (kc == mc)).sum()))
    if marks.shape[0] == 2:
        a, b = marks[0, complete], marks[1, complete]
        counts.a, counts.b, counts.both = int(a.sum()), int(b.sum()), int((a & b).sum())
    return counts


def _frame(present: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    m = present.sum(axis=0)
    return m, m >= 2, m == present.shape[0]


def figures_from_marks(marks: np.ndarray, present: np.ndarray) -> Figures:
    """The three figures from coders × units booleans: `marks` (coded the unit) and `present` (coded its story).

    Alpha counts every unit with two or more coders present (the others are missing
    there); percent agreement and kappa only units every coder saw.
    """
    return _counts(marks & present, *_frame(present)).figures(marks.shape[0])


def parse_coder_ids(values: list[str]) -> list[int]:
    """`coder=` values from a query string: each a coder's id, or InvalidInput saying which one is not."""
    ids = []
    for value in values:
        text = str(value).strip()
        if not text.isascii() or not text.isdigit() or len(text) > 18 or int(text) <= 0:
            shown = text if len(text) <= 20 else text[:20] + "…"
            raise InvalidInput(f"coder must be a coder's id (a whole number), not “{shown}”.", field="coder")
        ids.append(int(text))
    return ids


def agreement_overview(actor: User, coder_ids: list[int] | None = None) -> Overview:
    """Per-code and overall agreement between `coder_ids` (default: everyone who coded).

    An id that is not one of the coders who coded a story the actor may read is InvalidInput, not ignored.
    """
    on_current = coder_codings_on_current(actor)
    fill_missing_units(and_(*on_current))
    # One pass over the codings, as plain integers: -1 marks a whole-story coding (no start, no units).
    found = db.session.connection().execute(
        select(Coding.story_id, Coding.coder_id, Coding.revision_id, Coding.code_id,
               func.coalesce(Coding.unit_first, -1), func.coalesce(Coding.unit_last, -2),
               func.coalesce(Coding.start, -1)).where(*on_current)
    ).all()
    rows = np.array([tuple(r) for r in found], dtype=np.int64).reshape(-1, 7)
    coded_by: dict[int, set[int]] = defaultdict(set)
    revision_of: dict[int, int] = {}
    if len(rows):
        width = int(rows[:, 1].max()) + 1
        for key in np.unique(rows[:, 0] * width + rows[:, 1]).tolist():
            coded_by[key // width].add(key % width)
        stories_seen, first_row = np.unique(rows[:, 0], return_index=True)
        revision_of = dict(zip(stories_seen.tolist(), rows[first_row, 2].tolist(), strict=True))
    everyone = set().union(*coded_by.values()) if coded_by else set()
    unknown = sorted(set(coder_ids or ()) - everyone)
    if unknown:
        raise InvalidInput(f"Nobody with id {unknown[0]} has coded a story you may read: choose among the coders "
                           "listed.", field="coder")
    chosen = sorted(set(coder_ids)) if coder_ids else sorted(everyone)
    row_of = {c: i for i, c in enumerate(chosen)}
    stories = sorted(sid for sid, who in coded_by.items() if len(who & set(chosen)) >= 2)
    sizes = unit_counts({revision_of[sid] for sid in stories}) if stories else {}
    base_of = np.full(int(rows[:, 0].max(initial=0)) + 1, -1, dtype=np.int64)
    size_of = np.zeros_like(base_of)
    total = 0
    present = []
    for sid in stories:
        size = sizes[revision_of[sid]]
        base_of[sid], size_of[sid] = total, size
        present.append((total, size, coded_by[sid] & set(chosen)))
        total += size
    present_matrix = np.zeros((len(chosen), total), dtype=bool)
    for start, size, who in present:
        for coder in who:
            present_matrix[row_of[coder], start:start + size] = True
    codes = all_codes()
    marks = np.zeros((len(codes), len(chosen), total), dtype=bool)
    code_col = np.full(max((c.id for c in codes), default=0) + 1, -1, dtype=np.int64)
    for i, code in enumerate(codes):
        code_col[code.id] = i
    coder_row = np.full(max(chosen, default=0) + 1, -1, dtype=np.int64)
    for coder, i in row_of.items():
        coder_row[coder] = i
    if len(rows):
        rows = rows[(rows[:, 1] < len(coder_row)) & (rows[:, 3] < len(code_col))]
        rows = rows[(base_of[rows[:, 0]] >= 0) & (coder_row[rows[:, 1]] >= 0) & (code_col[rows[:, 3]] >= 0)]
        whole = rows[:, 6] == -1
        firsts = np.where(whole, 0, rows[:, 4])
        lasts = np.where(whole, size_of[rows[:, 0]] - 1, rows[:, 5])
        keep = lasts >= firsts  # an excerpt whose units are not known yet marks nothing
        rows, firsts, lasts = rows[keep], firsts[keep], lasts[keep]
        lengths = lasts - firsts + 1
        offsets = np.repeat(np.cumsum(lengths) - lengths, lengths)
        units = np.repeat(base_of[rows[:, 0]] + firsts, lengths) + (np.arange(int(lengths.sum())) - offsets)
        marks[np.repeat(code_col[rows[:, 3]], lengths), np.repeat(coder_row[rows[:, 1]], lengths), units] = True
    frame = _frame(present_matrix)
    per_code, pooled = [], _Counts()
    for i, code in enumerate(codes):
        counts = _counts(marks[i], *frame)  # marks lie only where their coder is present
        pooled = pooled + counts
        per_code.append((code, counts.figures(len(chosen)), int(marks[i].any(axis=0).sum())))
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(chosen)))} if chosen else {}
    return Overview(coders=[users[c] for c in chosen], stories=len(stories), sentences=total,
                    overall=pooled.figures(len(chosen)), codes=per_code)


def coders_who_coded(actor: User) -> list[User]:
    """Everyone with a coding on a story this researcher may read for research (to choose whom to compare)."""
    visible = policy.visible_stories(actor, "research").with_only_columns(Story.id)
    ids = select(Coding.coder_id).where(Coding.story_id.in_(visible)).distinct()
    return list(db.session.scalars(select(User).where(User.id.in_(ids)).order_by(User.email)))
