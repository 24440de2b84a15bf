"""Agreement pages: every code at once and one code, between the coders chosen."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user

from storybank import guard
from storybank.coding import charts
from storybank.coding import codebook as books
from storybank.coding.agreement_all_codes import agreement_overview, coders_who_coded, parse_coder_ids
from storybank.coding.agreement_by_code import code_agreement

bp = Blueprint("agreement", __name__)


@bp.get("/codebook/agreement")
@guard.requires("codebook.view")
def agreement_all() -> str:
    chosen = parse_coder_ids(request.args.getlist("coder"))
    overview = agreement_overview(current_user, chosen or None)
    return render_template("codebook/agreement_all.html", o=overview, chart=charts.agreement_chart(overview),
                           coders=coders_who_coded(current_user), chosen=set(chosen))


@bp.get("/codebook/<int:code_id>/agreement")
@guard.requires("codebook.view")
def agreement(code_id: int) -> str:
    figures = code_agreement(current_user, code_id)
    return render_template("codebook/agreement.html", code=books.get_code(code_id), figures=figures)
