"""Stand-ins that make the pipeline's stages answer at once, from memory, what they
answered for one real request: what is left of a request is the pipeline's glue
(spans, stage timers, metrics, guardrail bookkeeping, cohort scheduling, the request
state), the framework and the HTTP server.

bench_stages.py times that glue in process; bench_ceiling.py (through ceiling_app.py)
serves it over HTTP, to measure what /predict would cost if the analyses cost nothing.
Only the prompt recorded is answered: the stand-ins know no other text.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from bench_predict import PROMPT

from aimonitor.pipeline import ClientInfo, PredictInput
from aimonitor.types import Scenario


class Recorded:
    """Answers the named methods with fixed values; anything else goes to `inner`."""

    def __init__(self, inner: Any, **answers: Any) -> None:
        self._inner = inner
        self._answers = answers

    def __getattr__(self, name: str) -> Any:
        if name in self._answers:
            answer = self._answers[name]
            return lambda *args, **kwargs: answer
        return getattr(self._inner, name)


class RecordedBackend(Recorded):
    async def generate(self, *args: Any, **kwargs: Any) -> Any:
        return self._answers["generate"]


class ScanByText:
    """The analyzer's stand-in: the scan it gave each text."""

    def __init__(self, inner: Any, scans: dict[str, Any]) -> None:
        self._inner = inner
        self._scans = scans

    def scan(self, text: str) -> Any:
        return self._scans[text]


@dataclass(frozen=True)
class Answers:
    """What each stage was given and answered for one request of `prompt`."""

    prompt: str
    scan: Any
    assessment: Any
    answer: Any
    out_scan: Any
    verdict_in: Any
    verdict_out: Any
    signals_args: tuple[Any, ...]
    body: dict[str, Any]
    emit_args: tuple[Any, ...]
    latency_ms: float


def predict_input(prompt: str = PROMPT) -> tuple[PredictInput, ClientInfo]:
    request = PredictInput(
        prompt=prompt, scenario=Scenario.A, user_id=None, conversation_id=None, context=None
    )
    return request, ClientInfo(api_key=None, address="127.0.0.1")


async def record(pipeline: Any, prompt: str = PROMPT) -> Answers:
    """Sends one request through the real pipeline, recording what signals and emit
    were given and answered, and asks the other stages for their answers."""
    recorded: dict[str, tuple[tuple[Any, ...], Any]] = {}
    signals, finish = pipeline._signals, pipeline.emitter.finish

    def record_signals(*args: Any) -> Any:
        recorded["signals"] = (args, signals(*args))
        return recorded["signals"][1]

    def record_finish(*args: Any) -> Any:
        recorded["emit"] = (args, finish(*args))
        return recorded["emit"][1]

    pipeline._signals, pipeline.emitter.finish = record_signals, record_finish
    try:
        await pipeline.predict(*predict_input(prompt))
    finally:
        del pipeline._signals, pipeline.emitter.finish

    analyzer, risk, engine = pipeline.analyzer, pipeline.risk_classifier, pipeline.engine
    scan, assessment = analyzer.scan(prompt), risk.classify(prompt)
    answer = await pipeline.backend.generate(prompt, Scenario.A)
    out_scan = analyzer.scan(answer.text)
    (signals_args, body), (emit_args, latency_ms) = recorded["signals"], recorded["emit"]
    return Answers(
        prompt=prompt,
        scan=scan,
        assessment=assessment,
        answer=answer,
        out_scan=out_scan,
        verdict_in=engine.evaluate_input(prompt, scan, assessment),
        verdict_out=engine.evaluate_output(answer.text, out_scan),
        signals_args=signals_args,
        body=body,
        emit_args=emit_args,
        latency_ms=latency_ms,
    )


def answer_from_memory(pipeline: Any, answers: Answers, *, emit: bool) -> None:
    """Every analysis stage (scans, risk, guardrails, model, signals) answers from
    memory from now on; so does the emission (metrics, audit record, log line) when
    `emit` is true. `restore` undoes it."""
    scans = {answers.prompt: answers.scan, answers.answer.text: answers.out_scan}
    pipeline.analyzer = ScanByText(pipeline.analyzer, scans)
    pipeline.risk_classifier = Recorded(pipeline.risk_classifier, classify=answers.assessment)
    pipeline.engine = Recorded(
        pipeline.engine,
        evaluate_input=answers.verdict_in,
        evaluate_output=answers.verdict_out,
    )
    pipeline.backend = RecordedBackend(pipeline.backend, generate=answers.answer)
    body = answers.body
    pipeline._signals = lambda *args: dict(body)
    if emit:
        latency_ms = answers.latency_ms
        pipeline.emitter.finish = lambda *args: latency_ms


def restore(pipeline: Any) -> None:
    """Undoes `answer_from_memory`."""
    for name in ("analyzer", "risk_classifier", "engine", "backend"):
        stand_in = getattr(pipeline, name)
        setattr(pipeline, name, getattr(stand_in, "_inner", stand_in))
    pipeline.__dict__.pop("_signals", None)
    pipeline.emitter.__dict__.pop("finish", None)


@contextlib.contextmanager
def from_memory(pipeline: Any, answers: Answers, *, emit: bool) -> Iterator[None]:
    answer_from_memory(pipeline, answers, emit=emit)
    try:
        yield
    finally:
        restore(pipeline)
