"""The ceiling of a Python gateway on aimonitor's stack: FastAPI under uvicorn, forwarding
`POST /v1/chat/completions` to the upstream with the gateway's own HTTP client
(`HttpUpstream`, aiohttp), and nothing else — no analysis, guardrail, signal or record.

    BARE_PROXY_UPSTREAM=http://127.0.0.1:9000 uvicorn bare_proxy:app --port 9100
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from typing import Any

import orjson
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse

from aimonitor.backends.upstream_config import UpstreamConfig
from aimonitor.backends.upstream_http import HttpUpstream

upstream = HttpUpstream(
    UpstreamConfig(name="fake", base_url=os.environ["BARE_PROXY_UPSTREAM"] + "/v1", models=("*",)),
    None,
)
app = FastAPI()


@app.post("/v1/chat/completions")
async def chat(request: Request) -> Response:
    body: dict[str, Any] = orjson.loads(await request.body())
    if not body.get("stream"):
        return JSONResponse((await upstream.chat(body)).body)

    async def events() -> AsyncIterator[bytes]:
        async for chunk in upstream.stream_chat(body):
            yield b"data: " + orjson.dumps(chunk) + b"\n\n"
        yield b"data: [DONE]\n\n"

    return StreamingResponse(events(), media_type="text/event-stream")
