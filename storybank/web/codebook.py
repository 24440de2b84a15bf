"""The codebook: create, edit, move, merge and delete codes."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from storybank import guard
from storybank.coding import codebook as books
from storybank.coding.codings import take_notices
from storybank.errors import InvalidInput
from storybank.web.forms import EmptyForm
from storybank.wording import count

bp = Blueprint("codebook", __name__)
CODE_FIELDS = ("name", "definition", "when_to_use", "when_not_to_use", "example", "keywords", "colour", "parent_id")


def _fields() -> dict[str, object]:
    return {name: request.form.get(name) for name in CODE_FIELDS if name in request.form}


@bp.get("/codebook")
@guard.requires("codebook.view")
def index() -> str:
    return render_template("codebook/index.html", tree=books.tree(), counts=books.usage_counts(current_user),
                           form=EmptyForm(),
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
        return render_template("codebook/index.html", tree=books.tree(), counts=books.usage_counts(current_user),
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
            preview = books.merge_preview(current_user, code_id, target_id)
            if request.method == "POST" and form.validate_on_submit() and request.form.get("confirm"):
                target = books.get_code(target_id)
                counts = books.merge_codes(current_user, code_id, target_id)
                flash(f"Merged into “{target.name}”: {count(counts['codings'], 'codings')} and "
                      f"{count(counts['children'], 'sub-codes')} moved.")
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
    counts = books.delete_preview(current_user, code_id)
    if request.method == "POST" and form.validate_on_submit():
        if not request.form.get("confirm"):
            return render_template("codebook/delete.html", code=code, counts=counts, form=form,
                                   error="Tick the box to confirm."), 400
        name = code.name
        books.delete_code(current_user, code_id)
        flash(f"Deleted “{name}”, {count(counts['codes'] - 1, 'sub-codes')} and {count(counts['codings'], 'codings')}.")
        return redirect(url_for("codebook.index"))
    return render_template("codebook/delete.html", code=code, counts=counts, form=form)
