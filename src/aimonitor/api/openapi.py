"""The OpenAPI schema as the app really answers: FastAPI's, with the service's 422 body.

FastAPI declares its own 422 body (`HTTPValidationError`) on every route with
parameters; the app answers `ValidationErrorResponse` instead (`app._validation_error`).
A body that is not JSON at all is a 400 (`ErrorResponse`), on every route that reads one.
The gateway's routes read their client key and their body themselves (`gateway_client`,
`parse_chat`): their security and bodies are declared here.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from aimonitor.api.gateway.errors import GATEWAY_PREFIX
from aimonitor.api.gateway.request import MAX_MESSAGES, MAX_MODEL_CHARS, ROLES
from aimonitor.api.routes.openai_models import MAX_INPUTS
from aimonitor.api.schemas import ErrorResponse, ValidationErrorResponse

REF_PREFIX = "#/components/schemas/"
# A client key as a bearer token; none while no client key exists (loopback only).
GATEWAY_SECURITY: list[dict[str, list[str]]] = [{"Bearer": []}, {}]
_MODEL = {"type": "string", "minLength": 1, "maxLength": MAX_MODEL_CHARS}
# What the gateway checks; every other field goes to the upstream as sent.
GATEWAY_BODIES: dict[str, dict[str, Any]] = {
    "/v1/chat/completions": {
        "type": "object",
        "required": ["model", "messages"],
        "properties": {
            "model": _MODEL,
            "messages": {
                "type": "array",
                "minItems": 1,
                "maxItems": MAX_MESSAGES,
                "items": {
                    "type": "object",
                    "required": ["role"],
                    "properties": {
                        "role": {"type": "string", "enum": sorted(ROLES)},
                        "content": {"type": ["string", "array", "null"]},
                    },
                },
            },
            "stream": {"type": "boolean"},
            "stream_options": {"type": "object"},
            "user": {"type": "string"},
        },
    },
    "/v1/embeddings": {
        "type": "object",
        "required": ["model", "input"],
        "properties": {
            "model": _MODEL,
            "input": {
                "anyOf": [
                    {"type": "string"},
                    {"type": "array", "minItems": 1, "maxItems": MAX_INPUTS},
                ]
            },
        },
    },
}


def contract_schema(app: FastAPI) -> dict[str, Any]:
    """The app's OpenAPI schema (built once, then cached like FastAPI's own)."""
    if app.openapi_schema is None:
        schema = get_openapi(
            title=app.title,
            version=app.version,
            description=app.description,
            routes=app.routes,
        )
        _declare_validation_error(schema)
        for path, operations in schema.get("paths", {}).items():
            if path.startswith(GATEWAY_PREFIX):
                for operation in operations.values():
                    operation["security"] = GATEWAY_SECURITY
            if path in GATEWAY_BODIES:
                operations["post"]["requestBody"] = {
                    "required": True,
                    "content": {"application/json": {"schema": GATEWAY_BODIES[path]}},
                }
        # With `"stream": true`, the answer is server-sent events.
        chat = schema["paths"]["/v1/chat/completions"]["post"]["responses"]["200"]
        chat["content"]["text/event-stream"] = {
            "schema": {"description": "`chat.completion.chunk` events, then `data: [DONE]`"}
        }
        app.openapi_schema = schema
    return app.openapi_schema


def _declare_validation_error(schema: dict[str, Any]) -> None:
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for model in (ValidationErrorResponse, ErrorResponse):
        model_schema = model.model_json_schema(ref_template=REF_PREFIX + "{model}")
        components.update(model_schema.pop("$defs", {}))
        components[model.__name__] = model_schema
    invalid = {"application/json": {"schema": {"$ref": REF_PREFIX + "ValidationErrorResponse"}}}
    unreadable = {
        "description": "The body is not JSON",
        "content": {"application/json": {"schema": {"$ref": REF_PREFIX + "ErrorResponse"}}},
    }
    for operation in _operations(schema):
        responses = operation.setdefault("responses", {})
        if "422" in responses:
            responses["422"]["content"] = invalid
        if "requestBody" in operation:
            responses.setdefault("400", unreadable)
    for unused in ("HTTPValidationError", "ValidationError"):
        components.pop(unused, None)


def _operations(schema: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        operation
        for path in schema.get("paths", {}).values()
        for operation in path.values()
        if isinstance(operation, dict)
    ]
