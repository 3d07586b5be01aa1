"""Errors in the OpenAI shape, `{"error": {"message", "type", "code", "param"}}`, with
the status the OpenAI SDKs map to their exception classes."""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse

from aimonitor.pipeline import RequestState

_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    413: "invalid_request_error",
    429: "rate_limit_error",
    500: "server_error",
    502: "upstream_error",
    504: "upstream_timeout",
}


class OpenAIError(Exception):
    """Raised by the adapter for a request it refuses before the pipeline."""

    def __init__(
        self,
        status: int,
        message: str,
        code: str | None = None,
        param: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.param = param
        self.headers = headers or {}

    def response(self) -> JSONResponse:
        return error_response(self.status, self.message, self.code, self.param, self.headers)


def error_body(
    status: int, message: str, code: str | None = None, param: str | None = None
) -> dict[str, Any]:
    return {
        "error": {
            "message": message,
            "type": _TYPES.get(status, "invalid_request_error" if status < 500 else "server_error"),
            "code": code,
            "param": param,
        }
    }


GATEWAY_PREFIX = "/v1/"


def http_error_body(path: str, status: int, message: str) -> dict[str, Any]:
    """The body of an error the HTTP layer answers (a body over the size cap, an
    unknown route): the OpenAI shape on the gateway's routes, `{"detail"}` elsewhere."""
    if path.startswith(GATEWAY_PREFIX):
        return error_body(status, message)
    return {"detail": message}


def error_response(
    status: int,
    message: str,
    code: str | None = None,
    param: str | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    return JSONResponse(error_body(status, message, code, param), status, headers=headers)


def refused(state: RequestState) -> JSONResponse:
    """The answer to a request the pipeline stopped. A guardrail's message says which
    guardrail decided and why, never the text that made it decide."""
    stop = state.stop
    assert stop is not None
    headers = {"x-aimonitor-request-id": state.request_id}
    upstream = state.extra.get("upstream_error")
    if upstream is not None:
        headers.update(upstream.headers())
        body = upstream.body()
        return JSONResponse(body, upstream.status, headers=headers)
    if stop.retry_after_s:
        headers["Retry-After"] = str(stop.retry_after_s)
    code = stop.guardrail or stop.error
    return error_response(stop.status_code, stop.reason, code, None, headers)
