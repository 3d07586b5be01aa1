"""The one catalogue of metrics.

Every metric the service exports is declared here, with its labels. Dashboards and
alert rules are checked against this module (tests/deploy). Label values come only
from closed sets (the `*_VALUES` tuples below): never prompt text, user ids or model
names typed by a client.

A metric is built on an injected registry, so tests use a fresh
`CollectorRegistry()` and read values with `registry.get_sample_value(...)`.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, Info

# Closed label sets -----------------------------------------------------------
SCENARIOS = ("A", "B", "C")
REQUEST_STATUSES = ("success", "error", "blocked", "rate_limited", "rejected")
ERROR_TYPES = ("upstream_error", "upstream_timeout", "internal", "journal")
PII_TYPES = (
    "EMAIL",
    "PHONE",
    "CREDIT_CARD",
    "US_SSN",
    "FR_NIR",
    "IBAN",
    "IP_ADDRESS",
    "FR_SIREN",
    "FR_SIRET",
    "SECRET",
)
GUARDRAILS = (
    "pii_protection",
    "injection_protection",
    "toxicity_filter",
    "rate_limiter",
    "prompt_length",
    "output_pii_leak",
    "risk_policy",
)
GUARDRAIL_ACTIONS = ("block", "redact", "warn")
RISK_LEVELS = ("unacceptable", "high", "limited", "minimal")
DRIFT_SEVERITIES = ("warning", "critical")
DRIFT_DIMENSIONS = ("embedding", "length", "language")
HALLUCINATION_SOURCES = ("unsupported_context", "unverifiable_claim", "user_feedback")
TOXICITY_STAGES = ("input", "output")
TOXICITY_CATEGORIES = ("insult", "threat", "hate", "sexual", "self_harm")
SLOS = ("availability", "latency", "quality")
AUDIT_EVENT_TYPES = ("request", "feedback", "config_change", "erasure", "retention_purge")
AUDIT_SEVERITIES = ("info", "warning", "critical")
PIPELINE_STAGES = (
    "rate_limit",
    "length",
    "input_analysis",
    "input_guardrails",
    "history",
    "model",
    "output_guardrails",
    "signals",
    "record",
)
DETECTORS = ("pii", "attack", "toxicity", "risk")
TOKEN_TYPES = ("input", "output")
FEEDBACK_CATEGORIES = ("hallucination", "quality", "safety", "latency", "other", "none")
COMPLIANCE_CHECKS = (
    "pii_redacted_before_model",
    "pii_redacted_before_storage",
    "no_pii_leak",
    "transparency",
    "high_risk_logged",
    "audit_written",
)

# Bucket boundaries -----------------------------------------------------------
# OpenTelemetry GenAI semantic conventions (gen_ai.client.operation.duration, token.usage).
GEN_AI_DURATION_BUCKETS = (
    0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
)  # fmt: skip
# The semantic conventions' advised boundaries for these two histograms.
GEN_AI_TTFT_BUCKETS = (
    0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0,
)  # fmt: skip
GEN_AI_TPOT_BUCKETS = (
    0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5,
)  # fmt: skip
GEN_AI_TOKEN_BUCKETS = (
    1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
)  # fmt: skip
# Request latency: the SLO threshold must be a bucket boundary so that Prometheus can
# count "fast enough" requests exactly from `le`; `latency_buckets` inserts it.
BASE_LATENCY_BUCKETS = (
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 2.5, 5.0, 10.0, 30.0,
)  # fmt: skip
SCORE_BUCKETS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
DETECTOR_BUCKETS = (
    0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05,
)  # fmt: skip
STAGE_BUCKETS = (
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0,
    2.5, 5.0, 10.0,
)  # fmt: skip


def latency_buckets(threshold_s: float) -> tuple[float, ...]:
    """The base latency buckets with the SLO threshold inserted as a boundary."""
    return tuple(sorted({*BASE_LATENCY_BUCKETS, round(threshold_s, 6)}))


class Metrics:
    """All of aimonitor's metrics, registered on one registry."""

    def __init__(
        self, registry: CollectorRegistry | None = None, latency_threshold_s: float = 1.0
    ) -> None:
        self.registry = registry if registry is not None else CollectorRegistry()
        self.latency_threshold_s = latency_threshold_s
        r = self.registry
        lat = latency_buckets(latency_threshold_s)

        # Traffic ---------------------------------------------------------------
        self.requests = Counter(
            "ai_requests", "Requests to /predict by scenario and outcome",
            ["scenario", "status"], registry=r,
        )  # fmt: skip
        self.inflight = Gauge(
            "ai_inflight_requests",
            "Requests being processed",
            multiprocess_mode="livesum",
            registry=r,
        )
        self.latency = Histogram(
            "ai_latency_seconds", "End-to-end /predict latency", ["scenario"],
            buckets=lat, registry=r,
        )  # fmt: skip
        self.request_errors = Counter(
            "ai_requests_error", "Failed requests by scenario and error type",
            ["scenario", "type"], registry=r,
        )  # fmt: skip
        self.http_duration = Histogram(
            "ai_http_request_duration_seconds", "HTTP request duration by route",
            ["method", "route", "status_class"], buckets=lat, registry=r,
        )  # fmt: skip
        self.prompt_length = Histogram(
            "ai_prompt_length_chars", "Prompt length in characters",
            buckets=(16, 64, 256, 1024, 4096, 16384, 32768, 65536), registry=r,
        )  # fmt: skip

        # Model -------------------------------------------------------------------
        self.model_duration = Histogram(
            "ai_model_call_duration_seconds", "Model backend call duration",
            ["backend", "outcome"], buckets=lat, registry=r,
        )  # fmt: skip
        self.upstream_errors = Counter(
            "ai_upstream_errors", "Model backend failures", ["backend", "type"], registry=r
        )
        self.gen_ai_duration = Histogram(
            "gen_ai_client_operation_duration_seconds",
            "GenAI operation duration (OpenTelemetry semantic conventions)",
            ["gen_ai_operation_name", "gen_ai_provider_name", "gen_ai_request_model", "error_type"],
            buckets=GEN_AI_DURATION_BUCKETS, registry=r,
        )  # fmt: skip
        self.gen_ai_tokens = Histogram(
            "gen_ai_client_token_usage",
            "GenAI tokens used per operation (OpenTelemetry semantic conventions)",
            ["gen_ai_operation_name", "gen_ai_provider_name", "gen_ai_request_model",
             "gen_ai_token_type"],
            buckets=GEN_AI_TOKEN_BUCKETS, registry=r,
        )  # fmt: skip
        self.gen_ai_ttft = Histogram(
            "gen_ai_server_time_to_first_token_seconds",
            "Time to the first token of a streamed answer (OpenTelemetry semantic conventions)",
            ["gen_ai_operation_name", "gen_ai_provider_name", "gen_ai_request_model"],
            buckets=GEN_AI_TTFT_BUCKETS, registry=r,
        )  # fmt: skip
        self.gen_ai_tpot = Histogram(
            "gen_ai_server_time_per_output_token_seconds",
            "Time per output token after the first (OpenTelemetry semantic conventions)",
            ["gen_ai_operation_name", "gen_ai_provider_name", "gen_ai_request_model"],
            buckets=GEN_AI_TPOT_BUCKETS, registry=r,
        )  # fmt: skip
        self.stage_duration = Histogram(
            "ai_pipeline_stage_duration_seconds", "Duration of each pipeline stage", ["stage"],
            buckets=STAGE_BUCKETS, registry=r,
        )  # fmt: skip

        # Quality -------------------------------------------------------------------
        self.quality = Histogram(
            "ai_response_quality_score", "Per-answer quality score (0-1)",
            ["scenario"], buckets=SCORE_BUCKETS, registry=r,
        )  # fmt: skip
        self.coherence = Gauge(
            "ai_coherence_score",
            "Rolling mean answer coherence (0-1)",
            multiprocess_mode="mostrecent",
            registry=r,
        )
        self.hallucinations = Counter(
            "ai_hallucination_events", "Hallucination signals by source",
            ["scenario", "source"], registry=r,
        )  # fmt: skip
        self.refusals = Counter("ai_response_refusals", "Answers detected as refusals", registry=r)

        # Security ----------------------------------------------------------------
        self.prompt_security = Histogram(
            "ai_prompt_security_score", "Per-prompt security score (1 = safe, 0 = attack)",
            buckets=SCORE_BUCKETS, registry=r,
        )  # fmt: skip
        self.pii_detected = Counter(
            "ai_pii_detected", "Personal data found, by type and stage", ["type", "stage"],
            registry=r,
        )  # fmt: skip
        self.pii_blocked_requests = Counter(
            "ai_pii_blocked_requests", "Requests blocked because of personal data", registry=r
        )
        self.injection_attempts = Counter(
            "ai_prompt_injection_attempts", "Prompts detected as injection attempts", registry=r
        )
        self.jailbreak_attempts = Counter(
            "ai_jailbreak_attempts", "Prompts detected as jailbreak attempts", registry=r
        )
        self.toxicity_events = Counter(
            "ai_toxicity_events", "Toxic content detected", ["stage", "category"], registry=r
        )
        self.detector_duration = Histogram(
            "ai_detector_duration_seconds", "Per-detector analysis time", ["detector"],
            buckets=DETECTOR_BUCKETS, registry=r,
        )  # fmt: skip

        # Drift -------------------------------------------------------------------
        self.drift_score = Gauge(
            "ai_input_drift_score",
            "Semantic drift of inputs (0-1, alert at 0.7)",
            multiprocess_mode="livemax",
            registry=r,
        )
        self.drift_dimension = Gauge(
            "ai_drift_dimension_score", "Drift score by dimension (0-1)", ["dimension"],
            multiprocess_mode="livemax", registry=r,
        )  # fmt: skip
        self.drift_alerts = Counter(
            "ai_drift_alerts", "Drift episodes by severity", ["severity"], registry=r
        )

        # Cost --------------------------------------------------------------------
        self.cost = Counter("ai_cost_estimated_eur", "Estimated cost in EUR", ["model"], registry=r)
        self.tokens_input = Counter(
            "ai_tokens_input", "Input tokens", ["model", "estimated"], registry=r
        )
        self.tokens_output = Counter(
            "ai_tokens_output", "Output tokens", ["model", "estimated"], registry=r
        )
        self.budget_remaining = Gauge(
            "ai_cost_budget_remaining_eur",
            "Daily budget left today (EUR)",
            multiprocess_mode="mostrecent",
            registry=r,
        )
        self.budget_total = Gauge(
            "ai_cost_budget_daily_eur", "Daily budget (EUR)", multiprocess_mode="max", registry=r
        )

        # Guardrails --------------------------------------------------------------
        self.guardrail_triggers = Counter(
            "ai_guardrail_triggers", "Guardrail decisions", ["guardrail", "action"], registry=r
        )
        self.guardrail_blocked = Counter(
            "ai_guardrail_blocked", "Requests blocked by a guardrail", ["guardrail"], registry=r
        )
        self.guardrail_enabled = Gauge(
            "ai_guardrail_enabled",
            "1 when the guardrail is enabled",
            ["guardrail"],
            multiprocess_mode="mostrecent",
            registry=r,
        )
        self.guardrail_config_changes = Counter(
            "ai_guardrail_config_changes", "Guardrail configuration changes", ["guardrail"],
            registry=r,
        )  # fmt: skip
        self.rate_limit_events = Counter(
            "ai_rate_limit_events", "Requests refused by the rate limiter", registry=r
        )
        self.rate_limit_storage_errors = Counter(
            "ai_rate_limit_storage_errors",
            "Rate-limit storage (Redis) failures; decisions fall back to local memory",
            registry=r,
        )

        # Trust & compliance -------------------------------------------------------
        self.trust_index = Gauge(
            "ai_trust_index",
            "Rolling trust index (0-1) by scenario",
            ["scenario"],
            multiprocess_mode="mostrecent",
            registry=r,
        )
        self.trust_score = Histogram(
            "ai_trust_score", "Per-request trust score (0-1)", buckets=SCORE_BUCKETS, registry=r
        )
        self.compliance_score = Gauge(
            "ai_compliance_score",
            "Rolling compliance score (0-1)",
            multiprocess_mode="mostrecent",
            registry=r,
        )
        self.compliance_checks = Counter(
            "ai_compliance_checks", "Compliance check outcomes", ["check", "result"], registry=r
        )
        self.risky_responses = Counter(
            "ai_risky_responses", "Requests by AI Act risk level", ["risk_level"], registry=r
        )

        # SLO ---------------------------------------------------------------------
        self.sli_latency_success = Counter(
            "ai_sli_latency_success", "Requests within the latency SLO", registry=r
        )
        self.sli_latency_violations = Counter(
            "ai_sli_latency_violations", "Requests over the latency SLO", registry=r
        )
        self.sli_quality_success = Counter(
            "ai_sli_quality_success", "Answers at or above the quality SLO", registry=r
        )
        self.sli_quality_violations = Counter(
            "ai_sli_quality_violations", "Answers below the quality SLO", registry=r
        )
        self.sli_availability_success = Counter(
            "ai_sli_availability_success", "Requests answered without a 5xx", registry=r
        )
        self.sli_availability_violations = Counter(
            "ai_sli_availability_violations", "Requests answered with a 5xx", registry=r
        )
        self.burn_rate = Gauge(
            "ai_slo_error_budget_burn_rate",
            "Per-instance error-budget burn rate over a rolling window (1 = on budget)",
            ["slo"], multiprocess_mode="mostrecent", registry=r,
        )  # fmt: skip

        # Conversations & users -----------------------------------------------------
        self.feedback = Counter(
            "ai_user_feedback", "User feedback by rating and category", ["rating", "category"],
            registry=r,
        )  # fmt: skip
        self.feedback_rating = Histogram(
            "ai_user_feedback_rating", "User ratings (1-5)", buckets=(1, 2, 3, 4, 5), registry=r
        )
        self.satisfaction = Gauge(
            "ai_user_satisfaction_score",
            "Rolling mean rating scaled to 0-1",
            multiprocess_mode="mostrecent",
            registry=r,
        )
        self.conversation_turns = Counter(
            "ai_conversation_turns", "Conversation turns served", ["scenario"], registry=r
        )
        self.active_conversations = Gauge(
            "ai_active_conversations", "Conversations with a turn in the last 30 minutes",
            multiprocess_mode="livesum", registry=r,
        )  # fmt: skip
        self.conversation_length = Histogram(
            "ai_conversation_turns_per_conversation", "Turns in a conversation when it gets a turn",
            buckets=(1, 2, 3, 5, 8, 13, 21, 50), registry=r,
        )  # fmt: skip
        self.conversation_duration = Histogram(
            "ai_conversation_duration_seconds", "Age of a conversation at each new turn",
            buckets=(1, 10, 30, 60, 300, 900, 1800, 3600), registry=r,
        )  # fmt: skip

        # Audit & store --------------------------------------------------------------
        self.audit_events = Counter(
            "ai_audit_events", "Audit records written, by type and severity",
            ["type", "severity"], registry=r,
        )  # fmt: skip
        self.audit_write_failures = Counter(
            "ai_audit_write_failures", "Failed attempts to write audit records to the store",
            registry=r,
        )  # fmt: skip
        self.audit_queue_depth = Gauge(
            "ai_audit_queue_depth", "Records journaled, not yet in the database",
            multiprocess_mode="livesum", registry=r,
        )  # fmt: skip
        self.audit_replayed = Counter(
            "ai_audit_replayed_records",
            "Records written from a dead process's journal",
            registry=r,
        )
        self.store_up = Gauge(
            "ai_store_up",
            "1 when the store answered its last check",
            multiprocess_mode="livemin",
            registry=r,
        )
        self.exporter_failures = Counter(
            "ai_exporter_failures", "Telemetry export failures", ["exporter"], registry=r
        )
        self.log_records_dropped = Counter(
            "ai_log_records_dropped", "Log lines dropped because the log queue was full",
            registry=r,
        )  # fmt: skip
        self.build_info = Info("ai_build", "Service version and backend", registry=r)
        self._prime()

    def _prime(self) -> None:
        """Create every child of the closed label sets at zero, so that queries and
        alert rules see a series (value 0) before the first event happens."""
        for scenario in SCENARIOS:
            self.latency.labels(scenario)
            self.quality.labels(scenario)
            self.conversation_turns.labels(scenario)
            for status in REQUEST_STATUSES:
                self.requests.labels(scenario, status)
            for error_type in ERROR_TYPES:
                self.request_errors.labels(scenario, error_type)
            for source in HALLUCINATION_SOURCES:
                self.hallucinations.labels(scenario, source)
        for pii_type in PII_TYPES:
            for stage in TOXICITY_STAGES:
                self.pii_detected.labels(pii_type, stage)
        for stage in TOXICITY_STAGES:
            for category in TOXICITY_CATEGORIES:
                self.toxicity_events.labels(stage, category)
        for detector in DETECTORS:
            self.detector_duration.labels(detector)
        for pipeline_stage in PIPELINE_STAGES:
            self.stage_duration.labels(pipeline_stage)
        for severity in DRIFT_SEVERITIES:
            self.drift_alerts.labels(severity)
        for dimension in DRIFT_DIMENSIONS:
            self.drift_dimension.labels(dimension)
        for guardrail in GUARDRAILS:
            self.guardrail_blocked.labels(guardrail)
            self.guardrail_config_changes.labels(guardrail)
            for action in GUARDRAIL_ACTIONS:
                self.guardrail_triggers.labels(guardrail, action)
        for level in RISK_LEVELS:
            self.risky_responses.labels(level)
        for check in COMPLIANCE_CHECKS:
            for result in ("pass", "fail"):
                self.compliance_checks.labels(check, result)
        for slo in SLOS:
            self.burn_rate.labels(slo)
        for event_type in AUDIT_EVENT_TYPES:
            for severity in AUDIT_SEVERITIES:
                self.audit_events.labels(event_type, severity)
        for rating in ("1", "2", "3", "4", "5"):
            for category in FEEDBACK_CATEGORIES:
                self.feedback.labels(rating, category)
        self.exporter_failures.labels("otlp")
