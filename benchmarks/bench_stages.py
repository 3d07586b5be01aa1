"""Where the CPU time of one POST /predict goes, in process (no sockets, no HTTP parser).

Measured in the same run, each row the median of `--rounds` rounds of `--iterations`
sequential calls (concurrency 1), with the simulated model at zero latency:

- each pipeline stage alone in a tight loop, on the same prompt and answer: its code
  and data stay warm in the CPU's caches from one call to the next;
- the pipeline's glue: `Pipeline.predict` with every stage answering at once from
  memory what it answered before (spans, stage timers, metrics, guardrail bookkeeping,
  cohort scheduling, the request state);
- the whole pipeline (`Pipeline.predict`), the whole app through ASGI, and the bare
  FastAPI app of bench_predict.py through ASGI: the baseline of the ratios.

"Stages interleaved" is the whole pipeline minus the warm stages and the warm glue: what
the stages cost more when each runs between the others, which evict its code and data
from the caches and its branches from the predictors. bench_predict.py measures the
same requests over HTTP; docs/bench/predict.md reads the two together.

Usage: python benchmarks/bench_stages.py [--iterations 3000] [--rounds 5]
       [--log-level INFO]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

from stand_ins import PROMPT, from_memory, predict_input, record

from aimonitor.telemetry.tracing import STAGES

ROOT = Path(__file__).resolve().parent.parent

Asgi = Callable[..., Awaitable[None]]


def _scope(body: bytes) -> dict[str, Any]:
    return {
        "type": "http",
        "method": "POST",
        "path": "/predict",
        "raw_path": b"/predict",
        "root_path": "",
        "headers": [
            (b"host", b"bench"),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ],
        "query_string": b"",
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "scheme": "http",
        "http_version": "1.1",
        "asgi": {"version": "3.0"},
    }


async def _call_asgi(app: Asgi, body: bytes) -> int:
    status: list[int] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            status.append(message["status"])

    await app(_scope(body), receive, send)
    return status[0]


@contextlib.asynccontextmanager
async def _lifespan(app: Asgi) -> AsyncIterator[None]:
    messages: asyncio.Queue[dict[str, str]] = asyncio.Queue()
    started = asyncio.Event()

    async def receive() -> dict[str, str]:
        return await messages.get()

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "lifespan.startup.complete":
            started.set()
        elif message["type"] == "lifespan.startup.failed":
            raise RuntimeError(message.get("message", "start-up failed"))

    await messages.put({"type": "lifespan.startup"})
    task = asyncio.create_task(app({"type": "lifespan", "asgi": {"version": "3.0"}}, receive, send))
    await asyncio.wait_for(started.wait(), 60)
    try:
        yield
    finally:
        await messages.put({"type": "lifespan.shutdown"})
        await task


def _time_sync(call: Callable[[], object], iterations: int) -> float:
    for _ in range(min(300, iterations)):
        call()
    start = time.perf_counter()
    for _ in range(iterations):
        call()
    return (time.perf_counter() - start) / iterations * 1e6


async def _time_async(call: Callable[[], Awaitable[object]], iterations: int) -> float:
    for _ in range(min(300, iterations)):
        await call()
    start = time.perf_counter()
    for _ in range(iterations):
        await call()
    return (time.perf_counter() - start) / iterations * 1e6


async def _measure_round(app: Asgi, bare: Asgi, iterations: int) -> dict[str, float]:
    from aimonitor.types import Scenario

    pipeline = app.state.service.pipeline  # type: ignore[attr-defined]
    request, client = predict_input()
    answers = await record(pipeline)
    analyzer, risk, engine, backend = (
        pipeline.analyzer,
        pipeline.risk_classifier,
        pipeline.engine,
        pipeline.backend,
    )
    scan, assessment, answer = answers.scan, answers.assessment, answers.answer
    signals, finish = pipeline._signals, pipeline.emitter.finish

    row: dict[str, float] = {}
    row["input_analysis"] = _time_sync(
        lambda: (analyzer.scan(PROMPT), risk.classify(PROMPT)), iterations
    )
    row["input_guardrails"] = _time_sync(
        lambda: engine.evaluate_input(PROMPT, scan, assessment), iterations
    )
    row["model"] = await _time_async(lambda: backend.generate(PROMPT, Scenario.A), iterations)
    row["output_analysis"] = _time_sync(lambda: analyzer.scan(answer.text), iterations)
    row["output_guardrails"] = _time_sync(
        lambda: engine.evaluate_output(answer.text, answers.out_scan), iterations
    )
    row["signals"] = _time_sync(lambda: signals(*answers.signals_args), iterations)
    row["emit"] = _time_sync(lambda: finish(*answers.emit_args), iterations)
    with from_memory(pipeline, answers, emit=True):
        row["glue"] = await _time_async(lambda: pipeline.predict(request, client), iterations)

    row["pipeline"] = await _time_async(lambda: pipeline.predict(request, client), iterations)
    payload = json.dumps({"prompt": PROMPT, "scenario": "A"}).encode()
    row["app"] = await _time_async(lambda: _call_asgi(app, payload), iterations)
    row["bare"] = await _time_async(lambda: _call_asgi(bare, payload), iterations)
    return row


def _report(rows: list[dict[str, float]]) -> None:
    median = {key: statistics.median(row[key] for row in rows) for key in rows[0]}
    warm = sum(median[name] for name in STAGES)
    app = median["app"]

    def line(label: str, micros: float, share: bool = True) -> None:
        print(f"{label:46s} {micros:8.1f}" + (f" {micros / app:13.1%}" if share else ""))

    print(f"{'row':46s} {'µs':>8s} {'share of app':>13s}")
    for name in STAGES:
        line(f"  stage {name}", median[name])
    line("stages, each warm (sum)", warm)
    line("glue, stages answered from memory", median["glue"])
    interleaved = median["pipeline"] - warm - median["glue"]
    line("stages interleaved (pipeline - stages - glue)", interleaved)
    line("whole pipeline (Pipeline.predict)", median["pipeline"])
    line("framework (ASGI app - pipeline)", app - median["pipeline"])
    line("whole app through ASGI", app)
    line("bare FastAPI app through ASGI (baseline)", median["bare"], share=False)
    bare = median["bare"]
    print(
        f"ratios to the baseline: app {app / bare:.1f}x, pipeline {median['pipeline'] / bare:.1f}x,"
        f" warm stages + glue {(warm + median['glue']) / bare:.1f}x"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--iterations", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--log-level", default="INFO")
    args = parser.parse_args()
    if args.iterations < 1 or args.rounds < 1:
        parser.error("--iterations and --rounds must be at least 1")

    workdir = Path(tempfile.mkdtemp(prefix="aimonitor-bench-stages-"))
    os.environ.update(
        AIMONITOR_SIM_LATENCY_SCALE="0",
        AIMONITOR_RATE_LIMIT_PER_MINUTE="1000000",
        AIMONITOR_DATA_DIR=str(workdir / "data"),
        AIMONITOR_LOG_DIR=str(workdir / "logs"),
        AIMONITOR_LOG_LEVEL=args.log_level,
    )
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bare_app import app as bare

    from aimonitor.api.app import create_app

    report_to = sys.stdout
    # The service's log lines go to stdout: away from the report, as bench_predict does.
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115 (restored below)
    try:
        app = create_app()

        async def run() -> list[dict[str, float]]:
            async with _lifespan(app):
                rounds = range(args.rounds)
                return [await _measure_round(app, bare, args.iterations) for _ in rounds]

        rows = asyncio.run(run())
    finally:
        sys.stdout.close()
        sys.stdout = report_to
    print(
        f"POST /predict in process, concurrency 1, medians of {args.rounds} rounds of "
        f"{args.iterations} calls, log level {args.log_level}"
    )
    _report(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
