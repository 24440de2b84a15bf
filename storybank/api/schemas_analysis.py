"""Answer models of the suggestion and agreement endpoints."""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from storybank.api.schemas import Coding, Stamp
from storybank.api.spec import Body, Out, Query


class Span(Out):
    start: int
    end: int


class Suggestion(Out):
    code_id: int
    start: int
    end: int
    sources: list[Literal["keyword", "model"]]
    keywords: list[str]
    matches: list[Span]
    score: float | None


class SuggestionModel(Out):
    trained_at: Stamp
    examples: int
    stories: int
    codes: list[int]


class Suggestions(Out):
    """Suggested codings still open for the caller (a suggestion is not a coding until accepted)."""

    story_id: int
    revision_id: int
    rejected: int = Field(description="hidden because the caller rejected them")
    model_hidden: bool
    keywords_matched_on: Literal["lemmas", "stems"]
    model: SuggestionModel | None
    results: list[Suggestion]


class SuggestionChoice(Body):
    code_id: int
    start: int
    end: int
    decision: str = Field(json_schema_extra={"enum": ["accept", "reject"]})
    revision_id: int | None = Field(None, description="refused if the story was revised since")


class SuggestionDecision(Out):
    """The decision, and the coding an acceptance made."""

    decision: Literal["accepted", "rejected"]
    source: Literal["keyword", "model", "both"]
    coding: Coding | None


class Figures(Out):
    units: int
    units_all_coders: int
    percent_agreement: float | None
    cohen_kappa: float | None
    krippendorff_alpha: float | None


class CodeFigures(Figures):
    code_id: int
    code: str
    sentences_marked: int


class AgreementOverview(Out):
    """Every code's agreement between coders on sentence units, and the pooled figure."""

    coders: list[int]
    stories: int
    sentences: int
    overall: Figures
    codes: list[CodeFigures]


class CodeAgreement(Figures):
    """One code's agreement between coders on sentence units."""

    code_id: int
    coders: list[int]
    stories: int


class SuggestionsQuery(Query):
    blind: int = Field(1, description="1 (default): leave out the model's suggestions on a story whose other "
                                      "coders' codings it learned from; 0: show them")


class AgreementQuery(Query):
    coder: list[str] = Field(default_factory=list, description="a coder's id; repeat to choose whom to compare")
