"""ASGI middleware: HTTP duration metric and the request body size cap.

Written as plain ASGI (not BaseHTTPMiddleware) because it runs on every request
and the pure form costs a few microseconds instead of a task switch.
"""

from __future__ import annotations

import json
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from aimonitor.telemetry.metrics import Metrics


class HttpMetricsMiddleware:
    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status_holder = [500]

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder[0] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            route = scope.get("route")
            # The route template (closed set), never the raw path with its ids.
            path = getattr(route, "path", None) or "unmatched"
            self.metrics.http_duration.labels(
                scope.get("method", "GET"), path, f"{status_holder[0] // 100}xx"
            ).observe(time.perf_counter() - start)


class BodySizeLimitMiddleware:
    """Answers 413 before reading a body whose declared size is over the cap."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            for name, value in scope.get("headers", []):
                if name == b"content-length":
                    try:
                        size = int(value)
                    except ValueError:
                        size = -1
                    if size > self.max_bytes:
                        await _send_json(
                            send, 413, {"detail": f"request body over {self.max_bytes} bytes"}
                        )
                        return
                    break
        await self.app(scope, receive, send)


async def _send_json(send: Send, status: int, body: dict[str, Any]) -> None:
    payload = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})
