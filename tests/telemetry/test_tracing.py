from __future__ import annotations

import asyncio
import json
import re
import subprocess
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    SimpleSpanProcessor,
    SpanExporter,
    SpanExportResult,
)
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF
from opentelemetry.trace import SpanKind, StatusCode
from prometheus_client import CollectorRegistry, Histogram, make_wsgi_app
from prometheus_client.openmetrics.exposition import generate_latest as openmetrics_latest

import aimonitor
from aimonitor.config import Settings
from aimonitor.telemetry.exemplars import trace_exemplar
from aimonitor.telemetry.tracing import STAGES, CountingSpanExporter, Tracing, traces_endpoint
from support.servers import free_port, require_binary


@pytest.fixture
def exporter() -> InMemorySpanExporter:
    return InMemorySpanExporter()


@pytest.fixture
def tracing(exporter: InMemorySpanExporter) -> Tracing:
    return Tracing.for_tests(exporter)


def _by_name(spans: Sequence[ReadableSpan]) -> dict[str, ReadableSpan]:
    return {span.name: span for span in spans}


def _one_request(tracing: Tracing) -> str | None:
    with tracing.request_span(
        provider="simulated", model="sim-1", scenario="A", request_id="req-1"
    ) as span:
        for stage in STAGES:
            with tracing.stage(stage):
                pass
        tracing.set_usage(span, input_tokens=12, output_tokens=34, response_model="sim-1-0425")
        tracing.add_guardrail_event(
            span, guardrail="pii_protection", action="redact", reason="pii:EMAIL", stage="input"
        )
        return tracing.current_trace_id()


def test_request_span_follows_genai_conventions(
    tracing: Tracing, exporter: InMemorySpanExporter
) -> None:
    _one_request(tracing)

    spans = _by_name(exporter.get_finished_spans())
    request = spans["chat sim-1"]
    assert request.kind is SpanKind.INTERNAL
    assert dict(request.attributes or {}) == {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "simulated",
        "gen_ai.request.model": "sim-1",
        "aimonitor.scenario": "A",
        "aimonitor.request_id": "req-1",
        "gen_ai.usage.input_tokens": 12,
        "gen_ai.usage.output_tokens": 34,
        "gen_ai.response.model": "sim-1-0425",
    }
    assert request.status.status_code is StatusCode.UNSET
    assert request.resource.attributes["service.name"] == "aimonitor"
    assert request.resource.attributes["service.version"] == aimonitor.__version__


def test_every_stage_is_a_child_of_the_request_span(
    tracing: Tracing, exporter: InMemorySpanExporter
) -> None:
    _one_request(tracing)

    spans = _by_name(exporter.get_finished_spans())
    request = spans["chat sim-1"]
    assert set(spans) == {"chat sim-1", *STAGES}
    for stage in STAGES:
        child = spans[stage]
        assert child.parent is not None
        assert child.parent.span_id == request.context.span_id
        assert child.context.trace_id == request.context.trace_id
        assert (child.attributes or {})["aimonitor.stage"] == stage
    assert spans["model"].kind is SpanKind.CLIENT
    assert (spans["model"].attributes or {})["gen_ai.request.model"] == "sim-1"
    assert spans["signals"].kind is SpanKind.INTERNAL


def test_guardrail_decision_is_an_event(tracing: Tracing, exporter: InMemorySpanExporter) -> None:
    _one_request(tracing)

    request = _by_name(exporter.get_finished_spans())["chat sim-1"]
    [event] = request.events
    assert event.name == "aimonitor.guardrail"
    assert dict(event.attributes or {}) == {
        "aimonitor.guardrail.name": "pii_protection",
        "aimonitor.guardrail.action": "redact",
        "aimonitor.guardrail.reason": "pii:EMAIL",
        "aimonitor.guardrail.stage": "input",
    }


def test_current_trace_id_is_the_request_span_trace_id(
    tracing: Tracing, exporter: InMemorySpanExporter
) -> None:
    trace_id = _one_request(tracing)

    assert trace_id is not None
    assert re.fullmatch(r"[0-9a-f]{32}", trace_id)
    request = _by_name(exporter.get_finished_spans())["chat sim-1"]
    assert trace_id == format(request.context.trace_id, "032x")
    assert tracing.current_trace_id() is None  # outside any span


def test_set_error_marks_the_span(tracing: Tracing, exporter: InMemorySpanExporter) -> None:
    with tracing.request_span(
        provider="openai", model="gpt-4o-mini", scenario="C", request_id="req-2"
    ) as span:
        tracing.set_error(span, "upstream_timeout")

    [request] = exporter.get_finished_spans()
    assert request.status.status_code is StatusCode.ERROR
    assert (request.attributes or {})["error.type"] == "upstream_timeout"


def test_exception_in_a_stage_marks_both_spans_without_its_message(
    tracing: Tracing, exporter: InMemorySpanExporter
) -> None:
    with (
        pytest.raises(TimeoutError),
        tracing.request_span(provider="openai", model="m", scenario="C", request_id="r"),
        tracing.stage("model"),
    ):
        raise TimeoutError("secret prompt text")

    spans = _by_name(exporter.get_finished_spans())
    for name in ("model", "chat m"):
        assert spans[name].status.status_code is StatusCode.ERROR
        assert (spans[name].attributes or {})["error.type"] == "TimeoutError"
        assert spans[name].events == ()  # no exception event that could quote user text
        assert "secret" not in str(spans[name].to_json())


def test_spans_of_concurrent_tasks_do_not_mix(
    tracing: Tracing, exporter: InMemorySpanExporter
) -> None:
    async def handle(request_id: str) -> str | None:
        with tracing.request_span(
            provider="simulated", model="sim-1", scenario="A", request_id=request_id
        ):
            with tracing.stage("model"):
                await asyncio.sleep(0)
            await asyncio.sleep(0)
            return tracing.current_trace_id()

    async def main() -> list[str | None]:
        return list(await asyncio.gather(*(handle(f"r{i}") for i in range(5))))

    trace_ids = asyncio.run(main())

    assert len(set(trace_ids)) == 5
    spans = exporter.get_finished_spans()
    requests = {
        (s.attributes or {})["aimonitor.request_id"]: s for s in spans if s.name == "chat sim-1"
    }
    for span in spans:
        if span.name == "model":
            assert span.parent is not None
            owner = [r for r in requests.values() if r.context.span_id == span.parent.span_id]
            assert len(owner) == 1
            assert owner[0].context.trace_id == span.context.trace_id


def test_failed_exports_are_counted_not_raised() -> None:
    class Failing(SpanExporter):
        def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
            return SpanExportResult.FAILURE

    class Raising(SpanExporter):
        def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
            raise ConnectionError("collector gone")

    for inner in (Failing(), Raising()):
        tracing = Tracing.for_tests(inner)
        _one_request(tracing)
        assert tracing.export_failures == 1 + len(STAGES)  # one export per span
        tracing.shutdown()


class _HungCollector(SpanExporter):
    """An exporter whose export hangs until it is shut down, like a black-holed collector."""

    def __init__(self) -> None:
        self.released = threading.Event()
        self.exports = 0

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        self.exports += 1
        self.released.wait(60)
        return SpanExportResult.FAILURE

    def shutdown(self) -> None:
        self.released.set()


@pytest.mark.timeout(60)
def test_shutdown_gives_up_on_a_hung_collector_and_counts_what_it_drops() -> None:
    collector = _HungCollector()
    counting = CountingSpanExporter(collector)
    provider = TracerProvider(shutdown_on_exit=False)
    provider.add_span_processor(
        BatchSpanProcessor(counting, max_export_batch_size=10, schedule_delay_millis=60_000)
    )
    tracing = Tracing(provider, counting)
    for _ in range(4):
        _one_request(tracing)  # 40 spans (a request and its nine stages): 4 batches

    tracing.shutdown(timeout_s=0.2)

    assert collector.released.is_set()
    # The first batch hung until the deadline; the other three failed fast, never
    # reaching the collector.
    assert collector.exports == 1
    assert tracing.export_failures == 4


def test_without_endpoint_there_is_a_trace_id_but_no_exporter() -> None:
    tracing = Tracing.from_settings(Settings(otel_exporter_otlp_endpoint=None))
    try:
        assert tracing.exporter is None
        trace_id = _one_request(tracing)
        assert trace_id is not None and re.fullmatch(r"[0-9a-f]{32}", trace_id)
        assert tracing.export_failures == 0
    finally:
        tracing.shutdown()


def test_unsampled_request_keeps_its_trace_id_in_every_stage(
    exporter: InMemorySpanExporter,
) -> None:
    provider = TracerProvider(sampler=ALWAYS_OFF)
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracing = Tracing(provider)

    with tracing.request_span(provider="simulated", model="m", scenario="A", request_id="r"):
        request_trace_id = tracing.current_trace_id()
        with tracing.stage("model") as stage:
            assert not stage.is_recording()
            assert tracing.current_trace_id() == request_trace_id

    assert request_trace_id is not None
    assert exporter.get_finished_spans() == ()


@pytest.mark.parametrize(
    ("base", "url"),
    [
        ("http://collector:4318", "http://collector:4318/v1/traces"),
        ("http://collector:4318/", "http://collector:4318/v1/traces"),
        ("https://gw.example/otlp", "https://gw.example/otlp/v1/traces"),
    ],
)
def test_traces_endpoint_appends_the_signal_path(base: str, url: str) -> None:
    assert traces_endpoint(base) == url


def test_trace_id_becomes_an_openmetrics_exemplar(tracing: Tracing) -> None:
    registry = CollectorRegistry()
    latency = Histogram("ai_latency_seconds", "latency", ["scenario"], registry=registry)
    with tracing.request_span(provider="simulated", model="m", scenario="A", request_id="r"):
        trace_id = tracing.current_trace_id()
        latency.labels("A").observe(0.2, exemplar=trace_exemplar(trace_id))
    latency.labels("B").observe(0.2, exemplar=trace_exemplar(None))  # no span: no exemplar

    text = openmetrics_latest(registry).decode()
    assert (
        f'ai_latency_seconds_bucket{{le="0.25",scenario="A"}} 1.0 # {{trace_id="{trace_id}"}}'
        in (text)
    )
    assert text.count("# {trace_id=") == 1


@pytest.mark.e2e
def test_prometheus_stores_the_trace_id_exemplar(tracing: Tracing, tmp_path: Path) -> None:
    """The documented setup (OpenMetrics scrape, exemplar storage) keeps our trace ids."""
    binary = require_binary("prometheus")
    registry = CollectorRegistry()
    latency = Histogram("ai_latency_seconds", "latency", ["scenario"], registry=registry)
    with tracing.request_span(provider="simulated", model="m", scenario="A", request_id="r"):
        trace_id = tracing.current_trace_id()
        latency.labels("A").observe(0.2, exemplar=trace_exemplar(trace_id))

    app_server = make_server("127.0.0.1", 0, make_wsgi_app(registry), handler_class=_QuietHandler)
    threading.Thread(target=app_server.serve_forever, daemon=True).start()
    prom_port = free_port()
    config = tmp_path / "prometheus.yml"
    config.write_text(
        "global: {scrape_interval: 1s}\n"
        "scrape_configs:\n"
        "  - job_name: aimonitor\n"
        f"    static_configs: [{{targets: ['127.0.0.1:{app_server.server_port}']}}]\n"
    )
    prometheus = subprocess.Popen(
        [
            binary,
            f"--config.file={config}",
            f"--storage.tsdb.path={tmp_path / 'data'}",
            f"--web.listen-address=127.0.0.1:{prom_port}",
            "--enable-feature=exemplar-storage",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        found: list[str] = []
        deadline = time.monotonic() + 60
        while not found and time.monotonic() < deadline:
            time.sleep(1)
            now = time.time()
            query = urllib.parse.urlencode(
                {"query": "ai_latency_seconds_bucket", "start": now - 600, "end": now + 60}
            )
            url = f"http://127.0.0.1:{prom_port}/api/v1/query_exemplars?{query}"
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    body = json.load(response)
            except OSError:
                continue  # not listening yet
            found = [
                exemplar["labels"]["trace_id"]
                for series in body["data"]
                for exemplar in series["exemplars"]
            ]
        assert found == [trace_id]
    finally:
        prometheus.terminate()
        prometheus.wait(timeout=30)
        app_server.shutdown()
        app_server.server_close()


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass
