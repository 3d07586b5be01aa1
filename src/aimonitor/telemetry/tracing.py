"""OpenTelemetry traces: one span per request, one child span per pipeline stage.

Span names and attributes follow the OpenTelemetry GenAI semantic conventions
(`gen_ai.*`); our own attributes carry the `aimonitor.` prefix. See docs/telemetry.md.

Span kinds: the request span (`chat {model}`) is INTERNAL, because the whole request is
handled inside this process (the HTTP server span, if any, belongs to the ASGI layer);
the `model` stage is CLIENT, because that is where the service calls its model backend,
so trace views and service graphs show it as the outgoing call.

A real SDK `TracerProvider` is always built, even with no exporter, so that every request
has a trace id for its log line and for the exemplars on the latency histograms. The
provider is kept on the `Tracing` instance and never installed globally: several
instances (one per app, one per test) can live side by side.

Privacy: exceptions are not recorded on spans (their messages may quote user text);
a failed span carries only `error.type` and an ERROR status.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Final

from opentelemetry import context, trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    SimpleSpanProcessor,
    SpanExporter,
    SpanExportResult,
)
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF
from opentelemetry.trace import Span, SpanKind, Status, StatusCode

import aimonitor
from aimonitor.config import Settings
from aimonitor.telemetry.metrics import PIPELINE_STAGES

_log = logging.getLogger(__name__)

INSTRUMENTATION_SCOPE: Final = "aimonitor"
# The per-signal variable wins over the generic one (OTel exporter specification).
TRACES_ENDPOINT_ENV: Final = "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"
TRACES_PATH: Final = "v1/traces"
DEFAULT_EXPORT_TIMEOUT_S: Final = 10.0
DEFAULT_SHUTDOWN_TIMEOUT_S: Final = 5.0

STAGES: Final = PIPELINE_STAGES

# Attribute names (GenAI semantic conventions, then ours).
GEN_AI_OPERATION_NAME: Final = "gen_ai.operation.name"
GEN_AI_PROVIDER_NAME: Final = "gen_ai.provider.name"
GEN_AI_REQUEST_MODEL: Final = "gen_ai.request.model"
GEN_AI_RESPONSE_MODEL: Final = "gen_ai.response.model"
GEN_AI_USAGE_INPUT_TOKENS: Final = "gen_ai.usage.input_tokens"
GEN_AI_USAGE_OUTPUT_TOKENS: Final = "gen_ai.usage.output_tokens"
ERROR_TYPE: Final = "error.type"
AIMONITOR_SCENARIO: Final = "aimonitor.scenario"
AIMONITOR_REQUEST_ID: Final = "aimonitor.request_id"
AIMONITOR_STAGE: Final = "aimonitor.stage"
GUARDRAIL_EVENT: Final = "aimonitor.guardrail"


def traces_endpoint(base: str) -> str:
    """The OTLP/HTTP traces URL for a generic `OTEL_EXPORTER_OTLP_ENDPOINT`: the signal
    path is appended to the base URL, keeping any path the base already has."""
    return f"{base.removesuffix('/')}/{TRACES_PATH}"


class CountingSpanExporter(SpanExporter):
    """Wraps an exporter and counts the batches it failed to export.

    An exception from the wrapped exporter counts as a failure and is not re-raised:
    telemetry must never break the request path or the processor's worker thread.
    `abort()` stops the wrapped exporter at once (interrupting its retries); every later
    batch fails fast and is counted.
    """

    def __init__(self, inner: SpanExporter) -> None:
        self.inner = inner
        self._failures = 0
        self._lock = threading.Lock()
        self._inner_shut_down = False
        self._aborted = False

    @property
    def failures(self) -> int:
        return self._failures

    def count_failure(self) -> None:
        with self._lock:
            self._failures += 1

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        if self._aborted:
            self.count_failure()
            return SpanExportResult.FAILURE
        try:
            result = self.inner.export(spans)
        except Exception:
            _log.warning("span export raised", exc_info=True)
            result = SpanExportResult.FAILURE
        if result is not SpanExportResult.SUCCESS:
            self.count_failure()
        return result

    def abort(self) -> None:
        self._aborted = True
        self.shutdown()

    def shutdown(self) -> None:
        with self._lock:
            if self._inner_shut_down:
                return
            self._inner_shut_down = True
        try:
            self.inner.shutdown()
        except Exception:
            _log.warning("span exporter shutdown raised", exc_info=True)

    def force_flush(self, timeout_millis: int = 30_000) -> bool:
        return self.inner.force_flush(timeout_millis)


def _otlp_exporter(settings: Settings, endpoint: str, timeout_s: float) -> SpanExporter:
    if settings.otel_exporter_otlp_protocol == "grpc":
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import (
            OTLPSpanExporter as GrpcSpanExporter,
        )

        # gRPC takes the endpoint as it is (no signal path); http:// means plaintext.
        exporter: SpanExporter = GrpcSpanExporter(endpoint=endpoint, timeout=timeout_s)
        return exporter
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import (
        OTLPSpanExporter as HttpSpanExporter,
    )

    url = os.environ.get(TRACES_ENDPOINT_ENV) or traces_endpoint(endpoint)
    return HttpSpanExporter(endpoint=url, timeout=timeout_s)


class Tracing:
    """The service's tracer: request spans, stage spans, usage, guardrail events."""

    def __init__(
        self,
        provider: TracerProvider,
        exporter: CountingSpanExporter | None = None,
    ) -> None:
        self.provider = provider
        self.exporter = exporter
        self.tracer = provider.get_tracer(INSTRUMENTATION_SCOPE, aimonitor.__version__)
        self._shutdown_failures = 0
        self._is_shut_down = False

    # --- construction ---------------------------------------------------------
    @staticmethod
    def resource(service_name: str) -> Resource:
        """`service.name` and `service.version`, merged over the SDK's defaults and
        `OTEL_RESOURCE_ATTRIBUTES`."""
        return Resource.create(
            {"service.name": service_name, "service.version": aimonitor.__version__}
        )

    @classmethod
    def from_settings(
        cls, settings: Settings, *, export_timeout_s: float = DEFAULT_EXPORT_TIMEOUT_S
    ) -> Tracing:
        """Tracing for the service: batch export over OTLP when
        `OTEL_EXPORTER_OTLP_ENDPOINT` is set, no exporter otherwise."""
        resource = cls.resource(settings.otel_service_name)
        endpoint = settings.otel_exporter_otlp_endpoint
        if endpoint is None:
            # Nothing would receive the spans: sample none. Trace ids are still made,
            # for the log lines and exemplars, at half the cost of recorded spans.
            return cls(TracerProvider(resource=resource, sampler=ALWAYS_OFF))
        # The sampler comes from OTEL_TRACES_SAMPLER (default: parent-based, always on;
        # the collector's tail sampling decides what to keep).
        provider = TracerProvider(resource=resource)
        exporter = CountingSpanExporter(_otlp_exporter(settings, endpoint, export_timeout_s))
        provider.add_span_processor(BatchSpanProcessor(exporter))
        return cls(provider, exporter)

    @classmethod
    def for_tests(cls, exporter: SpanExporter, *, service_name: str = "aimonitor") -> Tracing:
        """Tracing that hands each finished span to `exporter` at once
        (e.g. `InMemorySpanExporter`)."""
        provider = TracerProvider(resource=cls.resource(service_name), shutdown_on_exit=False)
        counting = CountingSpanExporter(exporter)
        processor: SpanProcessor = SimpleSpanProcessor(counting)
        provider.add_span_processor(processor)
        return cls(provider, counting)

    # --- spans ----------------------------------------------------------------
    @contextmanager
    def request_span(
        self,
        *,
        provider: str,
        model: str,
        scenario: str,
        request_id: str,
        operation: str = "chat",
    ) -> Iterator[Span]:
        """The span of one request, current for the duration of the block."""
        attributes = {
            GEN_AI_OPERATION_NAME: operation,
            GEN_AI_PROVIDER_NAME: provider,
            GEN_AI_REQUEST_MODEL: model,
            AIMONITOR_SCENARIO: scenario,
            AIMONITOR_REQUEST_ID: request_id,
        }
        with self._span(f"{operation} {model}", SpanKind.INTERNAL, attributes) as span:
            yield span

    def start_request(
        self, *, provider: str, model: str, scenario: str, request_id: str, operation: str
    ) -> Span:
        """The span of one request, not yet current: a streamed answer outlives the
        block that started it, so the pipeline makes it current stage by stage."""
        return self.tracer.start_span(
            f"{operation} {model}",
            kind=SpanKind.INTERNAL,
            attributes={
                GEN_AI_OPERATION_NAME: operation,
                GEN_AI_PROVIDER_NAME: provider,
                GEN_AI_REQUEST_MODEL: model,
                AIMONITOR_SCENARIO: scenario,
                AIMONITOR_REQUEST_ID: request_id,
            },
            record_exception=False,
            set_status_on_exception=False,
        )

    @staticmethod
    @contextmanager
    def current(span: Span) -> Iterator[Span]:
        token = context.attach(trace.set_span_in_context(span))
        try:
            yield span
        finally:
            context.detach(token)

    @staticmethod
    def trace_id(span: Span) -> str | None:
        span_context = span.get_span_context()
        return format(span_context.trace_id, "032x") if span_context.is_valid else None

    def stage(self, name: str) -> AbstractContextManager[Span]:
        """A child span of the current span for one pipeline stage (see `STAGES`)."""
        parent = trace.get_current_span()
        if not parent.is_recording():
            # An unsampled request (or no exporter) records nothing: skip the cost of a
            # span whose only content, the trace id, is already current (and of a
            # generator-based context manager, on a path taken six times per request).
            return nullcontext(parent)
        return self._stage_span(name, parent)

    @contextmanager
    def _stage_span(self, name: str, parent: Span) -> Iterator[Span]:
        kind = SpanKind.CLIENT if name == "model" else SpanKind.INTERNAL
        attributes: dict[str, str] = {AIMONITOR_STAGE: name}
        if name == "model":
            # The outgoing call repeats the request's GenAI identity, as a client span should.
            parent_attrs = getattr(parent, "attributes", None) or {}
            for key in (GEN_AI_OPERATION_NAME, GEN_AI_PROVIDER_NAME, GEN_AI_REQUEST_MODEL):
                value = parent_attrs.get(key)
                if isinstance(value, str):
                    attributes[key] = value
        with self._span(name, kind, attributes) as span:
            yield span

    @contextmanager
    def _span(self, name: str, kind: SpanKind, attributes: dict[str, str]) -> Iterator[Span]:
        # start_span + attach rather than start_as_current_span: two generator layers
        # fewer on a path taken eight times per request.
        span = self.tracer.start_span(
            name,
            kind=kind,
            attributes=attributes,
            record_exception=False,
            set_status_on_exception=False,
        )
        token = context.attach(trace.set_span_in_context(span))
        try:
            yield span
        except BaseException as exc:
            # Only the exception's type: its message may quote user text.
            self.set_error(span, type(exc).__qualname__)
            raise
        finally:
            context.detach(token)
            span.end()

    # --- annotations ----------------------------------------------------------
    @staticmethod
    def set_usage(
        span: Span, input_tokens: int, output_tokens: int, response_model: str | None = None
    ) -> None:
        span.set_attribute(GEN_AI_USAGE_INPUT_TOKENS, input_tokens)
        span.set_attribute(GEN_AI_USAGE_OUTPUT_TOKENS, output_tokens)
        if response_model is not None:
            span.set_attribute(GEN_AI_RESPONSE_MODEL, response_model)

    @staticmethod
    def add_guardrail_event(
        span: Span, guardrail: str, action: str, reason: str, stage: str
    ) -> None:
        """Record one guardrail decision. `reason` must be a code or a short
        explanation, never the text that triggered it."""
        span.add_event(
            GUARDRAIL_EVENT,
            {
                "aimonitor.guardrail.name": guardrail,
                "aimonitor.guardrail.action": action,
                "aimonitor.guardrail.reason": reason,
                "aimonitor.guardrail.stage": stage,
            },
        )

    @staticmethod
    def set_error(span: Span, error_type: str) -> None:
        span.set_attribute(ERROR_TYPE, error_type)
        span.set_status(Status(StatusCode.ERROR))

    @staticmethod
    def current_trace_id() -> str | None:
        """The 32-hex-digit trace id of the current span, or None outside a span."""
        context = trace.get_current_span().get_span_context()
        if not context.is_valid:
            return None
        return format(context.trace_id, "032x")

    # --- lifecycle ------------------------------------------------------------
    @property
    def export_failures(self) -> int:
        """Batches that could not be exported (or were dropped at shutdown), plus failed
        shutdowns."""
        exported = self.exporter.failures if self.exporter is not None else 0
        return exported + self._shutdown_failures

    def shutdown(self, timeout_s: float = DEFAULT_SHUTDOWN_TIMEOUT_S) -> None:
        """Export what is buffered and stop, within about `timeout_s`. Never raises.

        The batch processor's own flush has no deadline (a dead collector would hold
        the process for its retries, batch after batch), so after `timeout_s` the
        exporter is aborted: the batches left are dropped and counted as failures.
        """
        if self._is_shut_down:
            return
        self._is_shut_down = True
        deadline = None
        if self.exporter is not None:
            deadline = threading.Timer(timeout_s, self.exporter.abort)
            deadline.daemon = True
            deadline.start()
        try:
            self.provider.shutdown()  # the batch worker drains its queue, then stops
        except Exception:
            _log.warning("tracing shutdown failed", exc_info=True)
            self._shutdown_failures += 1
        finally:
            if deadline is not None:
                deadline.cancel()
