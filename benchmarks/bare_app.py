"""The baseline for bench_predict: a bare FastAPI endpoint that parses the same body
and answers a JSON object of the same shape, with no analysis at all."""

from __future__ import annotations

import uuid

from fastapi import FastAPI
from pydantic import BaseModel

app = FastAPI()


class Body(BaseModel):
    prompt: str
    scenario: str = "A"


@app.post("/predict")
async def predict(body: Body) -> dict[str, object]:
    return {
        "request_id": str(uuid.uuid4()),
        "response": "ok: " + body.prompt[:40],
        "scenario": body.scenario,
        "latency_ms": 0.0,
    }
