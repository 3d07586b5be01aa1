"""The OpenAPI schema as the app really answers: FastAPI's, with the service's 422 body.

FastAPI declares its own 422 body (`HTTPValidationError`) on every route with
parameters; the app answers `ValidationErrorResponse` instead (`app._validation_error`).
A body that is not JSON at all is a 400 (`ErrorResponse`), on every route that reads one.
The gateway's routes read their client key themselves (`gateway_client`): their
security is declared here.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from aimonitor.api.schemas import ErrorResponse, ValidationErrorResponse

REF_PREFIX = "#/components/schemas/"
GATEWAY_PREFIX = "/v1/"
# A client key as a bearer token; none while no client key exists (loopback only).
GATEWAY_SECURITY: list[dict[str, list[str]]] = [{"Bearer": []}, {}]


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
