"""The codebook (create, edit, move, merge, delete codes), coding a story, and agreement."""
from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user

from storybank import guard, policy
from storybank.coding import analysis, charts
from storybank.coding import codebook as books
from storybank.coding import memos as memo_service
from storybank.coding.agreement_overview import agreement_overview, coders_who_coded
from storybank.coding.agreement_service import code_agreement
from storybank.coding.coding_view import coding_view
from storybank.coding.codings import apply_coding, remove_coding, take_notices
from storybank.coding.compare import compare_coders
from storybank.coding.suggest import suggestions_for
from storybank.errors import InvalidInput, NotFound
from storybank.web.forms import EmptyForm

bp = Blueprint("codebook", __name__)
CODE_FIELDS = ("name", "definition", "when_to_use", "when_not_to_use", "example", "keywords", "colour", "parent_id")


def _fields() -> dict[str, object]:
    return {name: request.form.get(name) for name in CODE_FIELDS if name in request.form}


@bp.get("/codebook")
@guard.requires("codebook.view")
def index() -> str:
    return render_template("codebook/index.html", tree=books.tree(), counts=books.usage_counts(), form=EmptyForm(),
                           notices=take_notices(current_user))


@bp.post("/codebook")
@guard.requires("codebook.edit")
def create() -> object:
    form = EmptyForm()
    if not form.validate_on_submit():
        return redirect(url_for("codebook.index"))
    try:
        fields = _fields()
        code = books.create_code(current_user, fields.get("name"), fields.get("parent_id") or None,
                                 fields.get("definition", ""), fields.get("colour") or None)
    except InvalidInput as err:
        return render_template("codebook/index.html", tree=books.tree(), counts=books.usage_counts(),
                               form=form, error=err.message, entered=request.form), 400
    flash(f"Added the code “{code.name}”.")
    return redirect(url_for("codebook.index") + f"#code-{code.id}")


@bp.route("/codebook/<int:code_id>", methods=["GET", "POST"])
@guard.requires("codebook.edit")
def edit(code_id: int) -> object:
    code = books.get_code(code_id)
    form = EmptyForm()
    error = None
    if request.method == "POST" and form.validate_on_submit():
        try:
            books.update_code(current_user, code_id, _fields())
        except InvalidInput as err:
            error = err.message
        else:
            flash(f"Saved “{code.name}”.")
            return redirect(url_for("codebook.index") + f"#code-{code.id}")
    inside = set(books.subtree_ids(code))
    parents = [(c, depth) for c, depth in books.tree() if c.id not in inside]
    return render_template("codebook/edit.html", code=code, parents=parents, form=form, error=error), (
        200 if error is None else 400)


@bp.route("/codebook/<int:code_id>/merge", methods=["GET", "POST"])
@guard.requires("codebook.edit")
def merge(code_id: int) -> object:
    code = books.get_code(code_id)
    form = EmptyForm()
    target_id = request.values.get("target_id", type=int)
    preview, error = None, None
    try:
        if target_id:
            preview = books.merge_preview(code_id, target_id)
            if request.method == "POST" and form.validate_on_submit() and request.form.get("confirm"):
                target = books.get_code(target_id)
                counts = books.merge_codes(current_user, code_id, target_id)
                flash(f"Merged into “{target.name}”: {counts['codings']} codings and {counts['children']} "
                      "sub-codes moved.")
                return redirect(url_for("codebook.index") + f"#code-{target_id}")
    except InvalidInput as err:
        error = err.message
    inside = set(books.subtree_ids(code))
    others = [(c, depth) for c, depth in books.tree() if c.id not in inside]
    return render_template("codebook/merge.html", code=code, others=others, target_id=target_id,
                           preview=preview, form=form, error=error), 200 if error is None else 400


@bp.route("/codebook/<int:code_id>/delete", methods=["GET", "POST"])
@guard.requires("codebook.edit")
def delete(code_id: int) -> object:
    code = books.get_code(code_id)
    form = EmptyForm()
    counts = books.delete_preview(code_id)
    if request.method == "POST" and form.validate_on_submit():
        if not request.form.get("confirm"):
            return render_template("codebook/delete.html", code=code, counts=counts, form=form,
                                   error="Tick the box to confirm."), 400
        name = code.name
        books.delete_code(current_user, code_id)
        flash(f"Deleted “{name}”, {counts['codes'] - 1} sub-codes and {counts['codings']} codings.")
        return redirect(url_for("codebook.index"))
    return render_template("codebook/delete.html", code=code, counts=counts, form=form)


@bp.get("/codebook/agreement")
@guard.requires("codebook.view")
def agreement_all() -> str:
    chosen = [int(c) for c in request.args.getlist("coder") if c.isdigit()]
    overview = agreement_overview(current_user, chosen or None)
    return render_template("codebook/agreement_all.html", o=overview, chart=charts.agreement_chart(overview),
                           coders=coders_who_coded(current_user), chosen=set(chosen))


@bp.get("/codebook/<int:code_id>/agreement")
@guard.requires("codebook.view")
def agreement(code_id: int) -> str:
    figures = code_agreement(current_user, code_id)
    return render_template("codebook/agreement.html", code=books.get_code(code_id), figures=figures)


@bp.get("/research/stories/<int:story_id>/code")
@guard.requires("story.code")
def code_story(story_id: int) -> str:
    blind = request.args.get("blind", "1") != "0"
    view = coding_view(current_user, story_id, blind=blind)
    return render_template("codebook/code_story.html", view=view, blind=blind, form=EmptyForm(),
                           tree=books.tree(), suggestions=suggestions_for(current_user, story_id, blind))


@bp.get("/research/stories/<int:story_id>/compare")
@guard.requires("story.code")
def compare(story_id: int) -> tuple[str, int]:
    try:
        comparison = compare_coders(current_user, story_id, request.args.get("a"), request.args.get("b"))
    except InvalidInput as err:
        comparison = compare_coders(current_user, story_id)
        return render_template("codebook/compare.html", c=comparison, error=err.message), 400
    return render_template("codebook/compare.html", c=comparison), 200


@bp.post("/research/stories/<int:story_id>/codings")
@guard.requires("story.code")
def add_coding(story_id: int) -> object:
    policy.get_story(current_user, story_id, "research")  # a story the user may not see is 404 before any 400
    form = EmptyForm()
    back = url_for("codebook.code_story", story_id=story_id, blind=request.form.get("blind") or None)
    if not form.validate_on_submit():
        return redirect(back)
    whole = request.form.get("whole") == "1"
    start = None if whole else request.form.get("start")
    end = None if whole else request.form.get("end")
    if not whole and (not start or not end):
        raise InvalidInput("Select some text first, or choose “Code the whole story”.")
    code_ids = request.form.getlist("code_id")
    if not code_ids:
        raise InvalidInput("Choose a code to apply.")
    for code_id in code_ids:
        apply_coding(current_user, story_id, code_id, start, end)
    flash("Coded." if len(code_ids) == 1 else f"Applied {len(code_ids)} codes.")
    return redirect(back)


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
    makers = {
        "frequencies": lambda: analysis.frequencies(current_user, request.args.get("by", "kind")),
        "cooccurrence": lambda: analysis.cooccurrence(current_user, request.args.get("level", "story")),
        "signifiers": lambda: analysis.signifiers_beside_codes(current_user),
    }
    if table not in makers:
        raise NotFound("No such table.")
    out = io.StringIO()
    csv.writer(out).writerows(analysis.csv_rows(makers[table]()))
    return Response(out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename=storybank-{table}.csv"})


@bp.get("/memos")
@guard.requires("codebook.view")
def memos() -> str:
    text = request.args.get("q", "")[:200]
    rows = [(memo, *memo_service.describe(memo)) for memo in memo_service.list_memos(current_user, text)]
    return render_template("codebook/memos.html", rows=rows, q=text, form=EmptyForm())


@bp.get("/memos.csv")
@guard.requires("codebook.view")
def memos_csv() -> Response:
    data = memo_service.memos_csv(current_user, request.args.get("q", "")[:200])
    return Response(data, mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=storybank-memos.csv"})


@bp.post("/memos")
@guard.requires("memo.write")
def add_memo() -> object:
    form = EmptyForm()
    back = _safe_back(request.form.get("next"))
    if form.validate_on_submit():
        memo_service.add_memo(current_user, request.form.get("text"), coding_id=request.form.get("coding_id"),
                              story_id=request.form.get("story_id"), code_id=request.form.get("code_id"))
        flash("Memo saved.")
    return redirect(back)


@bp.post("/memos/<int:memo_id>")
@guard.requires("memo.write")
def edit_memo(memo_id: int) -> object:
    form = EmptyForm()
    if form.validate_on_submit():
        memo_service.update_memo(current_user, memo_id, request.form.get("text"))
        flash("Memo updated.")
    return redirect(_safe_back(request.form.get("next")))


@bp.post("/memos/<int:memo_id>/delete")
@guard.requires("memo.write")
def delete_memo(memo_id: int) -> object:
    form = EmptyForm()
    if form.validate_on_submit():
        memo_service.delete_memo(current_user, memo_id)
        flash("Memo deleted.")
    return redirect(_safe_back(request.form.get("next")))


def _safe_back(target: str | None) -> str:
    """Only paths on this site: never an open redirect."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("codebook.memos")


@bp.post("/research/codings/<int:coding_id>/delete")
@guard.requires("story.code")
def delete_coding(coding_id: int) -> object:
    form = EmptyForm()
    story_id = request.form.get("story_id", type=int)
    if form.validate_on_submit():
        remove_coding(current_user, coding_id)
        flash("Coding removed.")
    if story_id:
        return redirect(url_for("codebook.code_story", story_id=story_id))
    return redirect(url_for("codebook.index"))
