"""The one exception of the gateway's upstream layer, shaped like an OpenAI error.

    GatewayError(status, message, type, code=None, param=None, retry_after_s=None)
        502 upstream_error      refused, crashed, unreachable, malformed or cut answer
        504 upstream_timeout    no answer (or no next byte of a stream) in time
        4xx as the upstream said (400, 404, 413, 422, 429 with its Retry-After...)

`body()` is what the HTTP adapter sends: `{"error": {"message", "type", "code",
"param"}}`. The message never holds prompt text or credentials.
"""

from __future__ import annotations

from typing import Any

MAX_MESSAGE_CHARS = 500


class GatewayError(Exception):
    def __init__(
        self,
        status: int,
        message: str,
        type: str = "upstream_error",
        *,
        code: str | None = None,
        param: str | None = None,
        retry_after_s: float | None = None,
    ) -> None:
        if not 400 <= status <= 599:
            raise ValueError(f"an error status is 4xx or 5xx, got {status}")
        self.status = status
        self.message = message[:MAX_MESSAGE_CHARS]
        self.type = type
        self.code = code
        self.param = param
        self.retry_after_s = retry_after_s
        super().__init__(self.message)

    def __repr__(self) -> str:
        return f"GatewayError(status={self.status}, type={self.type!r}, message={self.message!r})"

    def body(self) -> dict[str, Any]:
        return {
            "error": {
                "message": self.message,
                "type": self.type,
                "code": self.code,
                "param": self.param,
            }
        }

    def headers(self) -> dict[str, str]:
        """`Retry-After` for a 429 that said when to come back."""
        if self.retry_after_s is None:
            return {}
        return {"Retry-After": str(max(0, round(self.retry_after_s)))}


def upstream_failure(message: str) -> GatewayError:
    return GatewayError(502, message, "upstream_error", code="upstream_error")


def upstream_timeout(message: str) -> GatewayError:
    return GatewayError(504, message, "upstream_timeout", code="upstream_timeout")
