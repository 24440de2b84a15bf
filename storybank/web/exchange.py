"""REFI-QDA, Markdown and CSV exchange pages (researchers).

Exports are POSTed forms (CSRF-checked): each one is in the audit log and on the exported
stories' pages for their tellers, so another site must not be able to start one. They are built in memory for the one response and never kept on disk, so a later
withdrawal has no copy in the app to miss. A codebook upload is previewed first; the
confirm form carries the small .qdc back (base64) so nothing is stored between the two.
"""
from __future__ import annotations

import base64
import binascii

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from storybank import guard, tx
from storybank.errors import InvalidInput
from storybank.interop import csv_export, markdown_export, qdc, qdpx_export, qdpx_import
from storybank.interop.offsets import CONVENTION_LABELS
from storybank.web.forms import EmptyForm
from storybank.wording import count

bp = Blueprint("exchange", __name__, url_prefix="/exchange")


def _download(data: bytes | str, mimetype: str, filename: str) -> Response:
    return Response(data, mimetype=mimetype, headers={
        "Content-Disposition": f"attachment; filename={filename}", "Cache-Control": "no-store"})


def _page(error: str | None = None, status: int = 200) -> tuple[str, int]:
    return render_template(
        "exchange/index.html", form=EmptyForm(), projects=(projects := qdpx_import.import_projects()),
        readable=qdpx_import.readable_counts(current_user, projects),
        story_count=qdpx_export.count_exported(current_user), error=error, targets=qdpx_export.TARGETS,
        upload_mb=current_app.config.get("MAX_CONTENT_LENGTH", 0) // (1024 * 1024),
    ), status


def _uploaded(field: str, suffix: str) -> bytes:
    upload = request.files.get(field)
    if upload is None or not upload.filename:
        raise InvalidInput(f"Choose a {suffix} file to upload.")
    if not upload.filename.lower().endswith(suffix):
        raise InvalidInput(f"{upload.filename!r} is not a {suffix} file.")
    return upload.read()


@bp.get("/")
@guard.requires("exchange.export")
def index() -> tuple[str, int]:
    return _page()


@bp.post("/export/project.qdpx")
@guard.requires("exchange.export")
def export_qdpx() -> object:
    if not EmptyForm().validate_on_submit():
        return _page("The form could not be read. Please try again.", 400)
    target = request.form.get("target", "standard")
    try:
        data = qdpx_export.export_qdpx(current_user, target=target)
    except InvalidInput as err:
        return _page(err.message, 400)
    suffix = "" if target == "standard" else f"-for-{target}"
    return _download(data, "application/zip", f"storybank{suffix}.qdpx")


@bp.post("/export/codebook.qdc")
@guard.requires("exchange.export")
def export_qdc() -> object:
    if not EmptyForm().validate_on_submit():
        return _page("The form could not be read. Please try again.", 400)
    try:
        data = qdc.export_qdc(current_user)
    except InvalidInput as err:
        return _page(err.message, 400)
    return _download(data, "application/xml", "storybank-codebook.qdc")


@bp.post("/export/stories-markdown.zip")
@guard.requires("exchange.export")
def export_markdown() -> object:
    if not EmptyForm().validate_on_submit():
        return _page("The form could not be read. Please try again.", 400)
    return _download(markdown_export.markdown_zip(current_user), "application/zip", "storybank-stories.zip")


@bp.post("/export/codings.csv")
@guard.requires("exchange.export")
def export_codings() -> object:
    if not EmptyForm().validate_on_submit():
        return _page("The form could not be read. Please try again.", 400)
    return _download(csv_export.codings_csv(current_user), "text/csv", "storybank-codings.csv")


@bp.post("/import/codebook")
@guard.requires("exchange.import")
def preview_codebook() -> object:
    """Show what merging the uploaded .qdc would change; nothing changes yet."""
    if not EmptyForm().validate_on_submit():
        return _page("The form could not be read. Please try again.", 400)
    try:
        data = _uploaded("file", ".qdc")
        steps, sets = qdc.preview_qdc(current_user, data)
    except InvalidInput as err:
        return _page(f"{err.message} Nothing was imported.", 400)
    return render_template("exchange/qdc_preview.html", steps=steps, sets=sets, form=EmptyForm(),
                           payload=base64.b64encode(data).decode())


@bp.post("/import/codebook/confirm")
@guard.requires("exchange.import")
def import_codebook() -> object:
    if not EmptyForm().validate_on_submit():
        return _page("The form could not be read. Please try again.", 400)
    try:
        data = base64.b64decode(request.form.get("payload", ""), validate=True)
    except (binascii.Error, ValueError):
        return _page("The codebook to import was not sent back intact; upload it again.", 400)
    try:
        counts = qdc.import_qdc(current_user, data)
    except InvalidInput as err:
        tx.rollback()  # drop what was flushed before the problem showed, before the page reads the codebook
        return _page(f"{err.message} Nothing was imported.", 400)
    flash(f"Codebook merged: {count(counts['new'], 'new codes')}, {counts['matched_by_guid']} matched by GUID, "
          f"{counts['matched_by_name']} by name, {counts['changed']} changed.")
    return redirect(url_for("exchange.index"))


@bp.post("/import/project")
@guard.requires("exchange.import")
def import_project() -> object:
    if not EmptyForm().validate_on_submit():
        return _page("The form could not be read. Please try again.", 400)
    try:
        project = qdpx_import.import_qdpx(current_user, _uploaded("file", ".qdpx"))
    except InvalidInput as err:
        tx.rollback()  # drop what was flushed before the problem showed, before the page lists the imports
        return _page(f"{err.message} Nothing was imported.", 400)
    flash(f"Imported {project.name!r}: " + ", ".join(
        count(project.counts.get(key, 0), key) for key in ("stories", "codings", "memos")) + ".")
    if qdpx_import.lost_every_coding(project.counts):
        flash(f"None of the file's {project.counts['codings_in_file']} codings arrived: see what storybank could "
              "not bring in below.")
    return redirect(url_for("exchange.project", project_id=project.id))


@bp.post("/imports/<int:project_id>/project.qdpx")
@guard.requires("exchange.import")
def export_project(project_id: int) -> object:
    """The researcher's own imported material back out, before its tellers claim it."""
    if not EmptyForm().validate_on_submit():
        return _page("The form could not be read. Please try again.", 400)
    target = request.form.get("target", "standard")
    try:
        data = qdpx_export.export_qdpx(current_user, target=target, project_id=project_id)
    except InvalidInput as err:
        return _page(err.message, 400)
    suffix = "" if target == "standard" else f"-for-{target}"
    return _download(data, "application/zip", f"import-{project_id}{suffix}.qdpx")


@bp.get("/imports/<int:project_id>")
@guard.requires("exchange.import")
def project(project_id: int) -> str:
    project, stories = qdpx_import.get_project(current_user, project_id)
    imported = [(k, v) for k, v in project.counts.items() if not k.startswith("skipped: ")]
    skipped = [(k.removeprefix("skipped: "), v) for k, v in project.counts.items() if k.startswith("skipped: ")]
    return render_template("exchange/project.html", project=project, stories=stories, form=EmptyForm(),
                           targets=qdpx_export.TARGETS,
                           imported=imported, skipped=skipped,
                           convention=CONVENTION_LABELS.get(project.convention, project.convention))
