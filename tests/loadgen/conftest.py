"""A small real HTTP service on loopback (FastAPI + uvicorn in a thread) that mimics
the answers of aimonitor's POST /predict, decided by the prompt's text, and tallies
what it answered so tests can compare the load client's summary with the truth."""

from __future__ import annotations

import asyncio
import socket
import threading
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from aimonitor.loadgen.prompts import FOLLOW_UPS
from support.servers import serve_in_thread

FOLLOW_UP_TEXTS = {text for texts in FOLLOW_UPS.values() for text in texts}


@dataclass
class Tally:
    statuses: Counter[int] = field(default_factory=Counter)
    scenarios: Counter[str] = field(default_factory=Counter)
    user_ids: set[str] = field(default_factory=set)
    prompts: list[str] = field(default_factory=list)
    conversations: set[str] = field(default_factory=set)
    continued: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, status: int, body: dict[str, Any], **headers: str) -> JSONResponse:
        with self.lock:
            self.statuses[status] += 1
        return JSONResponse(body, status_code=status, headers=headers)


def build_app(tally: Tally) -> FastAPI:
    app = FastAPI()

    @app.post("/predict")
    async def predict(request: Request) -> JSONResponse:
        body = await request.json()
        prompt, scenario = body.get("prompt"), body.get("scenario")
        if not isinstance(prompt, str) or not prompt or scenario not in {"A", "B", "C"}:
            return tally.answer(422, {"detail": "invalid request"})
        with tally.lock:
            tally.prompts.append(prompt)
            tally.scenarios[scenario] += 1
            if "user_id" in body:
                tally.user_ids.add(body["user_id"])
        conversation_id = body.get("conversation_id")
        if conversation_id in tally.conversations:
            with tally.lock:
                tally.continued += 1
        elif prompt in FOLLOW_UP_TEXTS:  # a follow-up must continue a served conversation
            return tally.answer(404, {"detail": "unknown conversation"})
        lowered = prompt.lower()
        if "block" in lowered:
            return tally.answer(403, {"detail": {"blocked": True, "guardrail": "pii_protection"}})
        if "limit" in lowered:
            return tally.answer(429, {"detail": "rate limited"}, **{"Retry-After": "60"})
        if "fail" in lowered:
            return tally.answer(502, {"detail": "upstream error"})
        if "forbidden" in lowered:  # a 403 that is not a guardrail block
            return tally.answer(403, {"detail": "forbidden"})
        if "slow" in lowered:
            await asyncio.sleep(1.0)
        # Like the real service: a conversation exists once a turn was served, and
        # requests without an id get none back.
        if conversation_id is not None:
            with tally.lock:
                tally.conversations.add(conversation_id)
        return tally.answer(
            200,
            {
                "request_id": str(uuid.uuid4()),
                "response": "ok",
                "scenario": scenario,
                "conversation_id": conversation_id,
            },
        )

    return app


@dataclass
class PredictServer:
    url: str
    tally: Tally


@pytest.fixture
def predict_server() -> Iterator[PredictServer]:
    tally = Tally()
    with serve_in_thread(build_app(tally), lifespan="off") as url:
        yield PredictServer(url, tally)


@pytest.fixture
def closed_port_url() -> str:
    """A loopback URL where nothing listens."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"
