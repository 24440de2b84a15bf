"""The OpenAPI 3.1 document for /api/v1, generated from the endpoint declarations in storybank/api/spec.py.

Schemas are the pydantic models' JSON Schemas (2020-12, which OpenAPI 3.1 uses), so what
the document says a request may hold is what the API accepts. Every answer of the test
suite is checked against this document (tests/openapi_check.py).
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from storybank.api.spec import OPERATIONS, Out, path_of, query_parameters

ERROR_CODES = (400, 401, 404, 409, 413, 422, 503)  # 503: the search index is busy, behind or being rebuilt
REF = "#/components/schemas/{model}"


class Error(Out):
    """An error a person can act on; `detail` says more where it helps (a field, a query position)."""

    error: str
    detail: Any = None


def _path_params(rule: str) -> list[dict[str, Any]]:
    out = []
    for converter, name in re.findall(r"<(?:([a-z]+):)?([a-z_]+)>", rule):
        schema = {"type": "integer", "minimum": 1} if converter == "int" else {"type": "string"}
        out.append({"name": name, "in": "path", "required": True, "schema": schema})
    return out


@lru_cache(maxsize=1)
def _document() -> dict[str, Any]:
    wanted: list[tuple[type[BaseModel], str]] = [(Error, "serialization")]
    for op in OPERATIONS:
        if op.body is not None:
            wanted.append((op.body, "validation"))
        wanted += [(m, "serialization") for m in op.responses.values() if isinstance(m, type)]
    refs, definitions = models_json_schema(list(dict.fromkeys(wanted)), ref_template=REF)
    paths: dict[str, Any] = {}
    for op in OPERATIONS:
        responses: dict[str, Any] = {}
        for status, answer in op.responses.items():
            if answer is None:
                responses[str(status)] = {"description": "No content"}
            elif isinstance(answer, str):
                schema = {"type": "object"} if answer == "application/json" else {"type": "string",
                                                                                   "format": "binary"}
                responses[str(status)] = {"description": "A file", "content": {answer: {"schema": schema}}}
            else:
                responses[str(status)] = {"description": (answer.__doc__ or "OK").strip().split("\n")[0],
                                          "content": {"application/json": {"schema": refs[(answer, "serialization")]}}}
        for status in ERROR_CODES:
            if not (op.public and status == 401):
                responses.setdefault(str(status), {"$ref": "#/components/responses/Error"})
        item: dict[str, Any] = {"summary": op.summary, "operationId": op.endpoint, "responses": responses}
        if op.description:
            item["description"] = op.description
        parameters = _path_params(op.rule) + (query_parameters(op.query) if op.query else [])
        if parameters:
            item["parameters"] = parameters
        if op.body is not None:
            item["requestBody"] = {"required": True, "content": {"application/json": {
                "schema": refs[(op.body, "validation")]}}}
        if op.public:
            item["security"] = []
        paths.setdefault(path_of(op.rule), {})[op.method.lower()] = item
    schemas = definitions.get("$defs", {})
    return {
        "openapi": "3.1.0",
        "info": {"title": "storybank API", "version": "1",
                 "description": "Stories, consent, coding, workshops and exchange, with the same permissions as "
                                "the pages. A story the caller may not see answers 404."},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "description": "A token from `storybank tokens create EMAIL`"}},
            "responses": {"Error": {"description": "An error a person can act on", "content": {
                "application/json": {"schema": {"$ref": REF.format(model="Error")}}}}},
            "schemas": schemas,
        },
    }


def openapi_document() -> dict[str, Any]:
    return _document()
