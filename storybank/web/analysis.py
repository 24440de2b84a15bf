"""Analysis pages: code frequencies, co-occurrence and tellers' signifiers, with their CSV downloads."""
from __future__ import annotations

from flask import Blueprint, Response, render_template, request
from flask_login import current_user

from storybank import guard
from storybank.coding import analysis, charts

bp = Blueprint("analysis", __name__)


@bp.get("/analysis")
@guard.requires("codebook.view")
def analysis_page() -> str:
    by = request.args.get("by", "kind")
    level = "sentence" if request.args.get("level") == "sentence" else "story"
    freq = analysis.frequencies(current_user, by)
    co = analysis.cooccurrence(current_user, level)
    signifiers = analysis.signifiers_beside_codes(current_user)
    return render_template("codebook/analysis.html", freq=freq, co=co, signifiers=signifiers, by=by, level=level,
                           attributes=analysis.ATTRIBUTES, withdrawn=analysis.withdrawn_count(),
                           bar=charts.bar_chart(freq), heat=charts.heatmap(co))


@bp.get("/analysis/<table>.csv")
@guard.requires("codebook.view")
def analysis_csv(table: str) -> Response:
    data = analysis.table_csv(current_user, table, by=request.args.get("by", "kind"),
                              level=request.args.get("level", "story"))
    return Response(data, mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename=storybank-{table}.csv"})
