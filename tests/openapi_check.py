"""Every JSON answer of /api/v1 in the test suite, held to the OpenAPI document.

`install(app)` adds an after-request hook to a test app: each API response whose route
is documented is validated (jsonschema, Draft 2020-12, the dialect of OpenAPI 3.1)
against the schema documented for its method and status. Violations are collected
in `app.extensions["openapi_violations"]`; the `app` fixture fails the test on any.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

from flask import Flask, Response, request
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

DOC_URI = "urn:storybank:openapi"


@lru_cache(maxsize=1)
def _registry_and_document() -> tuple[Registry, dict[str, Any]]:
    from storybank.api.openapi import openapi_document

    document = json.loads(json.dumps(openapi_document()))
    resource = Resource.from_contents(document, default_specification=DRAFT202012)
    return Registry().with_resource(DOC_URI, resource), document


def _pointer(*parts: str) -> str:
    return "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


def problems(method: str, rule: str, status: int, content_type: str, body: bytes) -> list[str]:
    """What is wrong with one answer, judged by the document ([] when it matches)."""
    registry, document = _registry_and_document()
    path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.removeprefix("/api/v1"))
    operation = document["paths"].get(path, {}).get(method.lower())
    where = f"{method} {path} → {status}"
    if operation is None:
        return [f"{where}: not in the OpenAPI document"]
    answer = operation["responses"].get(str(status))
    if answer is None:
        return [f"{where}: status not documented"]
    ref = None
    if "$ref" in answer:  # the shared Error response
        ref = "#/components/schemas/Error"
        media = {"application/json": {}}
    else:
        media = answer.get("content", {})
    if not media:
        return [] if not body else [f"{where}: documented without a body, but answered {len(body)} bytes"]
    kind = content_type.split(";")[0].strip()
    if kind not in media:
        return [f"{where}: answered {kind}, documented {sorted(media)}"]
    if kind != "application/json":
        return []
    if ref is None:
        index = list(media).index(kind)
        ref = "#/" + _pointer("paths", path, method.lower(), "responses", str(status), "content",
                              list(media)[index], "schema")
    if ref.endswith("/schema") and "schema" not in media[kind]:
        return []
    validator = Draft202012Validator({"$ref": DOC_URI + ref}, registry=registry)
    data = json.loads(body)
    return [f"{where}: {e.message[:300]} at {'/'.join(map(str, e.absolute_path)) or 'the top'}"
            for e in validator.iter_errors(data)][:3]


def install(app: Flask) -> None:
    found: list[str] = app.extensions.setdefault("openapi_violations", [])

    @app.after_request
    def check(response: Response) -> Response:
        if request.path.startswith("/api/v1/") and request.url_rule is not None and not response.direct_passthrough:
            found.extend(problems(request.method, request.url_rule.rule, response.status_code,
                                  response.content_type or "", response.get_data()))
        return response
