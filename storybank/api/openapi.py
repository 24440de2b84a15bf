"""The OpenAPI 3 document for /api/v1, kept beside the views it describes (a test checks both agree)."""
from __future__ import annotations

from typing import Any

ERROR = {"$ref": "#/components/responses/Error"}


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


STORY_ID = {"name": "story_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}


def openapi_document() -> dict[str, Any]:
    from storybank.api.openapi_sets import SETS_PATHS, SETS_SCHEMAS

    document = {
        "openapi": "3.0.3",
        "info": {
            "title": "storybank API",
            "version": "1",
            "description": "Stories, consent and withdrawal. A story the caller may not see answers 404.",
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": {
            "/openapi.json": {"get": {"summary": "This document", "security": [],
                                      "responses": {"200": _json({"type": "object"})}}},
            "/stories": {
                "get": {
                    "summary": "Stories the caller may read (own stories, or research-consented ones)",
                    "parameters": [
                        {"name": "kind", "in": "query", "schema": {"type": "string", "enum": ["lived_experience", "practitioner"]}},
                        {"name": "site", "in": "query", "schema": {"type": "string"}},
                        {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                    ],
                    "responses": {"200": _json(_ref("StoryList")), "401": ERROR},
                },
                "post": {
                    "summary": "Tell a story; the caller is its teller",
                    "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("NewStory")}}},
                    "responses": {"201": _json(_ref("Story"), "Created"), "400": ERROR, "401": ERROR,
                                  "404": ERROR, "413": ERROR},
                },
            },
            "/stories/{story_id}": {
                "parameters": [STORY_ID],
                "get": {"summary": "One story, or its tombstone for its teller",
                        "responses": {"200": _json({"oneOf": [_ref("Story"), _ref("Tombstone")]}),
                                      "401": ERROR, "404": ERROR}},
                "patch": {
                    "summary": "Revise (own stories): a new revision",
                    "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("Revision")}}},
                    "responses": {"200": _json(_ref("Story")), "400": ERROR, "401": ERROR, "404": ERROR},
                },
            },
            "/stories/{story_id}/workshop": {
                "parameters": [STORY_ID],
                "get": {"summary": "The approved workshop (pseudonymised) version: hosts read only this; its "
                                   "teller and researchers preparing it may read it too. 404 until approved.",
                        "responses": {"200": _json({"type": "object", "properties": {
                            "id": {"type": "integer"}, "title": {"type": "string"}, "body": {"type": "string"},
                            "html": {"type": "string"}, "kind": {"type": "string"}, "site": {"type": "string"},
                            "themes": {"type": "array", "items": {"type": "string"}},
                            "approved_at": {"type": "string", "format": "date-time"},
                            "approved_on_behalf": {"type": "boolean"}}}),
                            "401": ERROR, "404": ERROR}},
            },
            "/stories/{story_id}/consent": {
                "parameters": [STORY_ID],
                "patch": {
                    "summary": "Change consent scopes or attribution (own stories); effective at once",
                    "requestBody": {"required": True, "content": {"application/json": {"schema": _ref("ConsentChange")}}},
                    "responses": {"200": _json(_ref("Consent")), "400": ERROR, "401": ERROR, "404": ERROR},
                },
            },
            "/stories/{story_id}/withdraw": {
                "parameters": [STORY_ID],
                "post": {"summary": "Withdraw (own stories): deletes the text, returns the tombstone",
                         "responses": {"200": _json(_ref("Tombstone")), "401": ERROR, "404": ERROR}},
            },
            "/codes": {
                "get": {"summary": "The codebook in tree order (each code with its depth)",
                        "responses": {"200": _json({"type": "object", "properties": {
                            "results": {"type": "array", "items": _ref("Code")}}}), "401": ERROR, "404": ERROR}},
                "post": {"summary": "Add a code (researchers)",
                         "requestBody": {"required": True, "content": {"application/json": {"schema": {
                             "type": "object", "required": ["name"], "properties": {
                                 "name": {"type": "string"}, "parent_id": {"type": "integer"},
                                 "definition": {"type": "string"}, "colour": {"type": "string",
                                                                               "pattern": "^#[0-9a-fA-F]{6}$"}}}}}},
                         "responses": {"201": _json(_ref("Code"), "Created"), "400": ERROR, "401": ERROR,
                                       "404": ERROR}},
            },
            "/agreement": {
                "get": {"summary": "Agreement for every code and overall (each sentence × code pair a unit)",
                        "parameters": [{"name": "coder", "in": "query", "description": "a coder's id; repeat it to "
                                        "choose whom to compare (default: everyone who coded)",
                                        "schema": {"type": "array", "items": {"type": "integer"}},
                                        "style": "form", "explode": True}],
                        "responses": {"200": _json({"type": "object", "properties": {
                            "coders": {"type": "array", "items": {"type": "integer"}},
                            "stories": {"type": "integer"}, "sentences": {"type": "integer"},
                            "overall": _ref("AgreementFigures"),
                            "codes": {"type": "array", "items": {"allOf": [_ref("AgreementFigures"), {
                                "type": "object", "properties": {
                                    "code_id": {"type": "integer"}, "code": {"type": "string"},
                                    "sentences_marked": {"type": "integer"}}}]}}}}),
                            "401": ERROR}},
            },
            "/codes/{code_id}/agreement": {
                "parameters": [{"name": "code_id", "in": "path", "required": True,
                                "schema": {"type": "integer", "minimum": 1}}],
                "get": {"summary": "Agreement between coders on sentence units",
                        "responses": {"200": _json({"type": "object", "properties": {
                            "coders": {"type": "array", "items": {"type": "integer"}},
                            "units": {"type": "integer"}, "units_all_coders": {"type": "integer"},
                            "stories": {"type": "integer"},
                            "percent_agreement": {"type": "number", "nullable": True},
                            "cohen_kappa": {"type": "number", "nullable": True},
                            "krippendorff_alpha": {"type": "number", "nullable": True}}}),
                            "401": ERROR, "404": ERROR}},
            },
            "/stories/{story_id}/codings": {
                "parameters": [STORY_ID],
                "get": {"summary": "Codings of the story's current revision (researchers)",
                        "responses": {"200": _json({"type": "object", "properties": {
                            "results": {"type": "array", "items": _ref("Coding")}}}), "401": ERROR, "404": ERROR}},
                "post": {"summary": "Code an excerpt (Unicode code points, end exclusive) or, without start/end, "
                                    "the whole story",
                         "requestBody": {"required": True, "content": {"application/json": {"schema": {
                             "type": "object", "required": ["code_id"], "properties": {
                                 "code_id": {"type": "integer"}, "start": {"type": "integer", "minimum": 0},
                                 "end": {"type": "integer", "minimum": 1}, "memo": {"type": "string"}}}}}},
                         "responses": {"201": _json(_ref("Coding"), "Created"), "400": ERROR, "401": ERROR,
                                       "404": ERROR}},
            },
            "/stories/{story_id}/suggestions": {
                "parameters": [STORY_ID],
                "get": {"summary": "Suggested codings still open for the caller on the current revision (researchers). "
                                   "A suggestion is not a coding until accepted.",
                        "parameters": [{"name": "blind", "in": "query", "schema": {"type": "integer", "enum": [0, 1]},
                                        "description": "1 (default): leave out the model's suggestions on a story "
                                                       "whose other coders' codings it learned from"}],
                        "responses": {"200": _json(_ref("Suggestions")), "401": ERROR, "404": ERROR}},
                "post": {"summary": "Accept (an ordinary coding by the caller) or reject one open suggestion",
                         "requestBody": {"required": True, "content": {"application/json": {"schema": {
                             "type": "object", "required": ["code_id", "start", "end", "decision"], "properties": {
                                 "code_id": {"type": "integer"}, "start": {"type": "integer", "minimum": 0},
                                 "end": {"type": "integer", "minimum": 1},
                                 "decision": {"type": "string", "enum": ["accept", "reject"]},
                                 "revision_id": {"type": "integer",
                                                 "description": "refused if the story was revised since"}}}}}},
                         "responses": {"201": _json(_ref("SuggestionDecision"), "Accepted: the coding made"),
                                       "200": _json(_ref("SuggestionDecision"), "Rejected, or decided before"),
                                       "400": ERROR, "401": ERROR, "404": ERROR}},
            },
            "/search": {
                "get": {
                    "summary": "Full-text and theme search over what the caller may read for a purpose",
                    "description": "Query language: words (AND), \"phrases\", OR, NOT / -word, brackets, "
                                   "hous*, recieve~, theme:, site:, kind:, role:, method:, date:2021-01..2021-06. "
                                   "A query that cannot be parsed answers 400 with detail.position (0-based).",
                    "parameters": [
                        {"name": "q", "in": "query", "schema": {"type": "string", "maxLength": 1000}},
                        {"name": "theme", "in": "query", "schema": {"type": "string"}},
                        {"name": "site", "in": "query", "schema": {"type": "string"}},
                        {"name": "kind", "in": "query",
                         "schema": {"type": "string", "enum": ["lived_experience", "practitioner"]}},
                        {"name": "purpose", "in": "query", "schema": {"type": "string", "enum": ["research", "workshop"]}},
                        {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                        {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
                    ],
                    "responses": {"200": _json(_ref("SearchResults")), "400": ERROR, "401": ERROR, "404": ERROR},
                },
            },
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "description": "A token from `storybank tokens create EMAIL`"}},
            "responses": {"Error": _json(_ref("Error"), "An error a person can act on")},
            "schemas": {
                "Code": {"type": "object", "properties": {
                    "id": {"type": "integer"}, "name": {"type": "string"},
                    "parent_id": {"type": "integer", "nullable": True}, "definition": {"type": "string"},
                    "when_to_use": {"type": "string"}, "when_not_to_use": {"type": "string"},
                    "example": {"type": "string"}, "colour": {"type": "string"}, "depth": {"type": "integer"}}},
                "Coding": {"type": "object", "properties": {
                    "id": {"type": "integer"}, "story_id": {"type": "integer"}, "code_id": {"type": "integer"},
                    "coder_id": {"type": "integer", "nullable": True}, "revision_id": {"type": "integer"},
                    "start": {"type": "integer", "nullable": True}, "end": {"type": "integer", "nullable": True},
                    "created_at": {"type": "string"}}},
                "Suggestions": {"type": "object", "properties": {
                    "story_id": {"type": "integer"}, "revision_id": {"type": "integer"},
                    "rejected": {"type": "integer", "description": "hidden because the caller rejected them"},
                    "model_hidden": {"type": "boolean"},
                    "keywords_matched_on": {"type": "string", "enum": ["lemmas", "stems"]},
                    "model": {"type": "object", "nullable": True, "properties": {
                        "trained_at": {"type": "string"}, "examples": {"type": "integer"},
                        "stories": {"type": "integer"}, "codes": {"type": "array", "items": {"type": "integer"}}}},
                    "results": {"type": "array", "items": {"type": "object", "properties": {
                        "code_id": {"type": "integer"}, "start": {"type": "integer"}, "end": {"type": "integer"},
                        "sources": {"type": "array", "items": {"type": "string", "enum": ["keyword", "model"]}},
                        "keywords": {"type": "array", "items": {"type": "string"}},
                        "matches": {"type": "array", "items": {"type": "object", "properties": {
                            "start": {"type": "integer"}, "end": {"type": "integer"}}}},
                        "score": {"type": "number", "nullable": True}}}}}},
                "SuggestionDecision": {"type": "object", "properties": {
                    "decision": {"type": "string", "enum": ["accepted", "rejected"]},
                    "source": {"type": "string", "enum": ["keyword", "model", "both"]},
                    "coding": {"allOf": [_ref("Coding")], "nullable": True}}},
                "SearchResults": {"type": "object", "required": ["total", "results", "facets"], "properties": {
                    "total": {"type": "integer"}, "page": {"type": "integer"}, "purpose": {"type": "string"},
                    "did_you_mean": {"type": "string", "nullable": True},
                    "results": {"type": "array", "items": {"type": "object", "properties": {
                        "id": {"type": "integer"}, "title": {"type": "string"},
                        "snippet": {"type": "string", "description": "HTML: text escaped, matches in <mark>"},
                        "kind": {"type": "string"}, "site": {"type": "string"},
                        "themes": {"type": "array", "items": {"type": "string"}}}}},
                    "facets": {"type": "object", "properties": {
                        name: {"type": "object", "additionalProperties": {"type": "integer"}}
                        for name in ("theme", "site", "kind")}},
                }},
                "Error": {"type": "object", "required": ["error"],
                          "properties": {"error": {"type": "string"}, "detail": {}}},
                "Scopes": {"type": "object", "properties": {
                    "research": {"type": "boolean"}, "workshop": {"type": "boolean"},
                    "publication": {"type": "boolean"}}},
                "Consent": {"allOf": [_ref("Scopes"), {"type": "object", "properties": {
                    "attribution": {"type": "string", "enum": ["name", "pseudonym", "anonymous"]},
                    "form_version": {"type": "integer", "nullable": True},
                    "recorded_at": {"type": "string", "format": "date-time"}}}]},
                "ConsentChange": {"type": "object", "minProperties": 1, "properties": {
                    "research": {"type": "boolean"}, "workshop": {"type": "boolean"},
                    "publication": {"type": "boolean"},
                    "attribution": {"type": "string", "enum": ["name", "pseudonym", "anonymous"]},
                    "form_version": {"type": "integer", "description": "the consent-form version the teller read; "
                                     "400 if a newer one was published since"}}},
                "NewStory": {"type": "object", "required": ["title", "body", "kind"], "properties": {
                    "consent_form_version": {"type": "integer", "description": "the consent-form version the teller "
                                             "read; 400 if a newer one was published since"},
                    "title": {"type": "string", "maxLength": 200},
                    "body": {"type": "string", "description": "Markdown"},
                    "kind": {"type": "string", "enum": ["lived_experience", "practitioner"]},
                    "site": {"type": "string"},
                    "storyteller_role": {"type": "string"},
                    "collection_method": {"type": "string",
                                          "enum": ["written", "interview", "being-with", "transcript"]},
                    "language": {"type": "string"},
                    "consent": _ref("Scopes"),
                    "attribution": {"type": "string", "enum": ["name", "pseudonym", "anonymous"]},
                    "signifiers": {"type": "object"}}},
                "Revision": {"type": "object", "minProperties": 1, "properties": {
                    "title": {"type": "string"}, "body": {"type": "string"}}},
                "Story": {"type": "object", "properties": {
                    "id": {"type": "integer"}, "title": {"type": "string"}, "body": {"type": "string"},
                    "html": {"type": "string", "description": "sanitised HTML"},
                    "kind": {"type": "string"}, "site": {"type": "string"},
                    "storyteller_role": {"type": "string", "nullable": True},
                    "collection_method": {"type": "string"}, "language": {"type": "string"},
                    "signifiers": {"type": "object", "nullable": True},
                    "consent": _ref("Consent"), "revision": {"type": "integer"},
                    "created_at": {"type": "string", "format": "date-time"},
                    "updated_at": {"type": "string", "format": "date-time"}}},
                "StoryList": {"type": "object", "properties": {
                    "total": {"type": "integer"}, "page": {"type": "integer"},
                    "results": {"type": "array", "items": {"type": "object", "properties": {
                        "id": {"type": "integer"}, "title": {"type": "string"},
                        "kind": {"type": "string"}, "site": {"type": "string"}}}}}},
                "AgreementFigures": {"type": "object", "properties": {
                    "units": {"type": "integer"}, "units_all_coders": {"type": "integer"},
                    "percent_agreement": {"type": "number", "nullable": True},
                    "cohen_kappa": {"type": "number", "nullable": True},
                    "krippendorff_alpha": {"type": "number", "nullable": True}}},
                "Tombstone": {"type": "object", "properties": {
                    "id": {"type": "integer"}, "kind": {"type": "string"},
                    "status": {"type": "string", "enum": ["withdrawn"]},
                    "withdrawn_at": {"type": "string", "format": "date-time"},
                    "removed": {"type": "object", "additionalProperties": {"type": "integer"}}}},
            },
        },
    }
    document["paths"].update(SETS_PATHS)
    document["components"]["schemas"].update(SETS_SCHEMAS)
    return document
