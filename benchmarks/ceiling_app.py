"""The service for bench_ceiling.py: the real app, whose stages answer from memory.

Once start-up is complete, one real request of the benchmark's prompt is recorded
(stand_ins.py), and from then on every analysis stage — scans, risk, guardrails, the
model, signals — answers at once what it answered then. With
`AIMONITOR_BENCH_FROM_MEMORY=analyses` (the default) the emission still runs for real
(metrics, audit record, log line); with `all` it answers from memory too, and only the
pipeline's glue, the framework and the HTTP server are left.

Only the recorded prompt can be answered: this is a measuring device, not a service.
Usage: python benchmarks/ceiling_app.py PORT (uvicorn as `aimonitor serve` runs it)
"""

from __future__ import annotations

import os
import sys
from typing import Any

import uvicorn
from stand_ins import answer_from_memory, record

from aimonitor.api.app import create_app

MODES = ("analyses", "all")
mode = os.environ.get("AIMONITOR_BENCH_FROM_MEMORY", "analyses")
if mode not in MODES:
    raise SystemExit(f"AIMONITOR_BENCH_FROM_MEMORY must be one of {MODES}, not {mode!r}")
service_app = create_app()


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "lifespan":
        await service_app(scope, receive, send)
        return

    async def send_after_recording(message: dict[str, Any]) -> None:
        if message["type"] == "lifespan.startup.complete":
            pipeline = service_app.state.service.pipeline
            answer_from_memory(pipeline, await record(pipeline), emit=mode == "all")
        await send(message)

    await service_app(scope, receive, send_after_recording)


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_config=None, access_log=False)
