"""Exchange over /api/v1: exports for other tools, and REFI-QDA imports with their project spaces (researchers).

The same services and actions as the Exchange pages. Each export is recorded (the audit
log, the exported stories' pages), so exports are POSTs; the files are built in memory
for the one answer and never kept. An import's export holds the importing researcher's
own material, the stories of that import they may still read.
"""
from __future__ import annotations

from typing import Any

from flask import Response, g, jsonify, request

from storybank import guard
from storybank.api import schemas_exchange as x
from storybank.api.spec import operation, parse
from storybank.api.views import created, stamp
from storybank.interop import csv_export, qdc, qdpx_export, qdpx_import
from storybank.interop.models import ImportProject


def _file(data: bytes | str, mimetype: str, filename: str) -> Response:
    return Response(data, mimetype=mimetype, headers={
        "Content-Disposition": f"attachment; filename={filename}", "Cache-Control": "no-store"})


def _suffix(target: str) -> str:
    return "" if target == "standard" else f"-for-{target}"


def project_json(project: ImportProject, stories: list | None = None,
                 readable: dict[str, int] | None = None) -> dict[str, Any]:
    if readable is None:
        readable = qdpx_import.readable_counts(g.actor, [project])[project.id]
    body = {"id": project.id, "name": project.name, "origin": project.origin, "convention": project.convention,
            "imported_at": stamp(project.imported_at), "imported_by_id": project.imported_by_id,
            "counts": project.counts or {}, "readable": readable}
    if stories is not None:
        body["stories"] = [{"id": s.id, "title": s.title, "claimed": s.teller_id is not None} for s in stories]
    return body


@operation("/exports/project.qdpx", "POST", "The coded project the caller may read for research, as REFI-QDA "
           "(.qdpx)", body=x.ExportFor, responses={200: "application/zip"})
@guard.requires("exchange.export")
def export_project() -> Any:
    target = parse(x.ExportFor, optional=True).target
    data = qdpx_export.export_qdpx(g.actor, target=target)
    return _file(data, "application/zip", f"storybank{_suffix(target)}.qdpx")


@operation("/exports/codebook.qdc", "POST", "The codebook as REFI-QDA (.qdc)", responses={200: "application/xml"})
@guard.requires("exchange.export")
def export_codebook() -> Any:
    return _file(qdc.export_qdc(g.actor), "application/xml", "storybank-codebook.qdc")


@operation("/exports/codings.csv", "POST", "Every coder's codings on what the caller may read, as CSV",
           responses={200: "text/csv"})
@guard.requires("exchange.export")
def export_codings() -> Any:
    return _file(csv_export.codings_csv(g.actor), "text/csv", "storybank-codings.csv")


@operation("/imports", "GET", "REFI-QDA imports (project spaces)", responses={200: x.ImportList})
@guard.requires("exchange.import")
def list_imports() -> Any:
    projects = qdpx_import.import_projects()
    readable = qdpx_import.readable_counts(g.actor, projects)
    return jsonify({"results": [project_json(p, readable=readable[p.id]) for p in projects]})


@operation("/imports", "POST", "Import a REFI-QDA project: send the .qdpx itself as the body "
           "(Content-Type: application/zip); nothing is imported unless the whole file is good",
           responses={201: x.ImportProject})
@guard.requires("exchange.import")
def create_import() -> Any:
    project = qdpx_import.import_qdpx(g.actor, request.get_data())
    _project, stories = qdpx_import.get_project(g.actor, project.id)
    return created(project_json(project, stories))


@operation("/imports/<int:project_id>", "GET", "One import: what arrived and was skipped, and the stories from it "
           "the caller may read", responses={200: x.ImportProject})
@guard.requires("exchange.import")
def get_import(project_id: int) -> Any:
    project, stories = qdpx_import.get_project(g.actor, project_id)
    return jsonify(project_json(project, stories))


@operation("/imports/<int:project_id>/project.qdpx", "POST", "Export the caller's own material from one import "
           "(before its tellers claim it) as REFI-QDA", body=x.ExportFor, responses={200: "application/zip"})
@guard.requires("exchange.import")
def export_import(project_id: int) -> Any:
    qdpx_import.get_project(g.actor, project_id)  # 404 before any 400
    target = parse(x.ExportFor, optional=True).target
    data = qdpx_export.export_qdpx(g.actor, target=target, project_id=project_id)
    return _file(data, "application/zip", f"import-{project_id}{_suffix(target)}.qdpx")
