"""OTLP export end to end: real exporters talking to receivers run on loopback."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from concurrent import futures
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import grpc
import pytest
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2, trace_service_pb2_grpc
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.proto.common.v1.common_pb2 import KeyValue

import aimonitor
from aimonitor.config import Settings
from aimonitor.telemetry.tracing import STAGES, Tracing


@pytest.fixture(autouse=True)
def _no_ambient_otel_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)


def _attrs(pairs: Any) -> dict[str, object]:
    def value(kv: KeyValue) -> object:
        kind = kv.value.WhichOneof("value")
        return getattr(kv.value, kind) if kind else None

    return {kv.key: value(kv) for kv in pairs}


class _Receiver:
    """What a collector received: (path, decoded request) pairs."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, ExportTraceServiceRequest]] = []

    def spans(self) -> list[tuple[dict[str, object], Any]]:
        """(resource attributes, span) for every span received."""
        found = []
        for _, request in self.requests:
            for resource_spans in request.resource_spans:
                resource = _attrs(resource_spans.resource.attributes)
                for scope_spans in resource_spans.scope_spans:
                    found.extend((resource, span) for span in scope_spans.spans)
        return found


@pytest.fixture
def http_receiver() -> Iterator[tuple[str, _Receiver]]:
    received = _Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            request = ExportTraceServiceRequest()
            request.ParseFromString(body)
            received.requests.append((self.path, request))
            reply = ExportTraceServiceResponse().SerializeToString()
            self.send_response(200)
            self.send_header("Content-Type", "application/x-protobuf")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", received
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _traffic(tracing: Tracing, requests: int = 3) -> list[str]:
    trace_ids = []
    for i in range(requests):
        with tracing.request_span(
            provider="simulated", model="sim-1", scenario="B", request_id=f"req-{i}"
        ) as span:
            for stage in STAGES:
                with tracing.stage(stage):
                    pass
            tracing.set_usage(span, input_tokens=10 + i, output_tokens=20, response_model="sim-1")
            tracing.add_guardrail_event(
                span, guardrail="injection_protection", action="warn", reason="attack", stage="in"
            )
            trace_id = tracing.current_trace_id()
            assert trace_id is not None
            trace_ids.append(trace_id)
    return trace_ids


def _check_received(received: _Receiver, trace_ids: list[str]) -> None:
    spans = received.spans()
    assert len(spans) == len(trace_ids) * (1 + len(STAGES))
    requests = [(res, s) for res, s in spans if s.name == "chat sim-1"]
    assert sorted(s.trace_id.hex() for _, s in requests) == sorted(trace_ids)
    for resource, span in requests:
        assert resource["service.name"] == "checkout-assistant"
        assert resource["service.version"] == aimonitor.__version__
        attributes = _attrs(span.attributes)
        assert attributes["gen_ai.operation.name"] == "chat"
        assert attributes["gen_ai.provider.name"] == "simulated"
        assert attributes["gen_ai.request.model"] == "sim-1"
        assert attributes["gen_ai.usage.output_tokens"] == 20
        assert attributes["aimonitor.scenario"] == "B"
        assert [e.name for e in span.events] == ["aimonitor.guardrail"]
    assert {_attrs(s.attributes)["gen_ai.usage.input_tokens"] for _, s in requests} == {10, 11, 12}


def test_http_protobuf_export_reaches_a_receiver(http_receiver: tuple[str, _Receiver]) -> None:
    endpoint, received = http_receiver
    settings = Settings(
        otel_exporter_otlp_endpoint=endpoint,
        otel_exporter_otlp_protocol="http/protobuf",
        otel_service_name="checkout-assistant",
    )
    tracing = Tracing.from_settings(settings)

    trace_ids = _traffic(tracing)
    tracing.shutdown()

    assert {path for path, _ in received.requests} == {"/v1/traces"}
    _check_received(received, trace_ids)
    assert tracing.export_failures == 0


def test_a_base_path_is_kept_before_the_signal_path(
    http_receiver: tuple[str, _Receiver],
) -> None:
    endpoint, received = http_receiver
    tracing = Tracing.from_settings(Settings(otel_exporter_otlp_endpoint=endpoint + "/otlp/"))

    _traffic(tracing, requests=1)
    tracing.shutdown()

    assert {path for path, _ in received.requests} == {"/otlp/v1/traces"}


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port  # nothing listens there once the socket is closed


def test_unreachable_collector_counts_failures_without_raising() -> None:
    settings = Settings(otel_exporter_otlp_endpoint=f"http://127.0.0.1:{_closed_port()}")
    tracing = Tracing.from_settings(settings, export_timeout_s=0.5)

    trace_ids = _traffic(tracing, requests=2)  # must not raise on the request path
    tracing.shutdown()  # must not raise either

    assert len(trace_ids) == 2
    assert tracing.export_failures >= 1


class _GrpcTraceService(trace_service_pb2_grpc.TraceServiceServicer):  # type: ignore[misc]
    def __init__(self, received: _Receiver) -> None:
        self.received = received

    def Export(
        self, request: ExportTraceServiceRequest, context: grpc.ServicerContext
    ) -> ExportTraceServiceResponse:
        self.received.requests.append(("grpc", request))
        return trace_service_pb2.ExportTraceServiceResponse()


def test_grpc_export_reaches_a_receiver() -> None:
    received = _Receiver()
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    trace_service_pb2_grpc.add_TraceServiceServicer_to_server(_GrpcTraceService(received), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    try:
        settings = Settings(
            otel_exporter_otlp_endpoint=f"http://127.0.0.1:{port}",
            otel_exporter_otlp_protocol="grpc",
            otel_service_name="checkout-assistant",
        )
        tracing = Tracing.from_settings(settings)
        trace_ids = _traffic(tracing)
        tracing.shutdown()
    finally:
        server.stop(grace=None).wait()

    _check_received(received, trace_ids)
    assert tracing.export_failures == 0
