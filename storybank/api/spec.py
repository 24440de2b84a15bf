"""One declaration per endpoint: its route, and the pydantic models that validate its request and describe its answer.

`operation()` registers a view on the API blueprint and records what it takes and gives;
`parse()` validates a request body with the same model the OpenAPI document shows
(storybank/api/openapi.py builds the document from these records), so the two cannot
drift apart. Values a service checks (a kind, a consent scope) keep the service's
message; the models check shapes: known fields, JSON types, what is required.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar, get_origin

from flask import Blueprint, request
from pydantic import BaseModel, ConfigDict, ValidationError

from storybank.errors import InvalidInput

bp = Blueprint("api", __name__, url_prefix="/api/v1")
F = TypeVar("F", bound=Callable[..., Any])
B = TypeVar("B", bound=BaseModel)
Q = TypeVar("Q", bound="Query")


class Body(BaseModel):
    """A request body: unknown fields are refused, JSON types are not coerced."""

    model_config = ConfigDict(extra="forbid", strict=True)


class Query(BaseModel):
    """A query string: other parameters are ignored, text is read as the type the field asks for."""

    model_config = ConfigDict(extra="ignore")


class Out(BaseModel):
    """An answer's shape, for the document (and the tests that hold every answer to it)."""

    model_config = ConfigDict(extra="forbid")


@dataclass
class Operation:
    rule: str
    method: str
    endpoint: str
    summary: str
    body: type[BaseModel] | None
    responses: dict[int, type[BaseModel] | str | None]
    query: type[Query] | None = None
    public: bool = False
    description: str = ""


OPERATIONS: list[Operation] = []


def operation(rule: str, method: str, summary: str, *, responses: dict[int, type[BaseModel] | str | None],
              body: type[BaseModel] | None = None, query: type[Query] | None = None,
              public: bool = False, description: str = "") -> Callable[[F], F]:
    """Route `method rule` to the view and document it; responses: status → model, media type, or None (no body)."""

    def register(view: F) -> F:
        bp.add_url_rule(rule, view.__name__, view, methods=[method])
        OPERATIONS.append(Operation(rule, method, view.__name__, summary, body, responses, query, public,
                                    description))
        return view

    return register


def query_parameters(model: type[Query]) -> list[dict[str, Any]]:
    """The OpenAPI parameters of a query model (the same model `parse_query` validates with)."""
    schema = model.model_json_schema(mode="validation")
    out = []
    for name, prop in schema.get("properties", {}).items():
        prop = dict(prop)
        description = prop.pop("description", "")
        prop.pop("title", None)
        param = {"name": name, "in": "query", "schema": prop, "required": name in schema.get("required", [])}
        if description:
            param["description"] = description
        if prop.get("type") == "array":
            param.update(style="form", explode=True)
        out.append(param)
    return out


_FIELD_WORDS = {
    "int_type": "must be a whole number", "int_parsing": "must be a whole number",
    "string_type": "is text", "bool_type": "must be true or false", "list_type": "must be a list",
    "dict_type": "must be an object", "model_type": "must be an object", "float_type": "must be a number",
    "missing": "is required",
}


def _message(error: dict[str, Any]) -> tuple[str, str]:
    where = ".".join(str(p) for p in error["loc"] if not isinstance(p, int)) or "body"
    kind = error["type"]
    if kind == "extra_forbidden":
        return f"Unknown field {where!r}.", where
    if kind == "missing":
        return f"Say {where}: it is required.", where
    if kind == "literal_error":
        return f"Unknown {where} {error.get('input')!r}: {error['msg'].removeprefix('Input should be ')}.", where
    words = _FIELD_WORDS.get(kind)
    if words:
        return f"{where} {words}.", where
    return f"{where}: {error['msg']}.", where


def parse(model: type[B], optional: bool = False) -> B:
    """The request's JSON body validated by `model`, or InvalidInput naming the first problem.

    With `optional`, a request with no body at all counts as `{}`.
    """
    data = {} if optional and not request.get_data() else request.get_json(silent=True)
    if not isinstance(data, dict):
        raise InvalidInput("Send a JSON object with Content-Type: application/json.")
    try:
        return model.model_validate(data)
    except ValidationError as err:
        message, where = _message(err.errors()[0])
        raise InvalidInput(message, field=where) from None


def parse_query(model: type[Q]) -> Q:
    """The request's query string validated by `model`, or InvalidInput naming the parameter."""
    data: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if name in request.args:
            many = get_origin(info.annotation) is list
            data[name] = request.args.getlist(name) if many else request.args.get(name)
    try:
        return model.model_validate(data)
    except ValidationError as err:
        message, where = _message(err.errors()[0])
        raise InvalidInput(message, field=where) from None


def given(body: BaseModel) -> dict[str, Any]:
    """The fields a request actually sent (PATCH semantics: absent is not the same as null)."""
    return {name: getattr(body, name) for name in body.model_fields_set}


def path_of(rule: str) -> str:
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule)
