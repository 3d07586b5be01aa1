"""Generate the four Grafana dashboards of the seed as JSON (deploy/grafana/dashboards/).

    .venv/bin/python deploy/grafana/generate.py [--output-dir DIR]

The committed JSON is this script's output; tests/deploy/test_dashboards.py checks that a
fresh run reproduces it byte for byte and that every metric a query names is in the
service's catalogue (src/aimonitor/telemetry/metrics.py) or a recording rule.

Plain dicts rather than grafana-foundation-sdk builders: the panels here use a handful of
fields, and dicts keep the output stable whatever the SDK version installed.

Panel titles follow the seed's dashboards panel by panel (/work/shared/design/
seed-dashboards.md); the seed's OpenSearch log panels read Loki here, and every number
comes from a measured metric. Rate windows use `$__rate_interval`.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DASHBOARD_DIR = Path(__file__).resolve().parent / "dashboards"

PROMETHEUS = {"type": "prometheus", "uid": "prometheus"}
LOKI = {"type": "loki", "uid": "loki"}
TEMPO = {"type": "tempo", "uid": "tempo"}

RATE = "$__rate_interval"
GRID_WIDTH = 24

Panel = dict[str, Any]


# Queries ------------------------------------------------------------------------------


def prom(expr: str, legend: str = "__auto", **extra: Any) -> dict[str, Any]:
    return {"datasource": PROMETHEUS, "expr": expr, "legendFormat": legend, **extra}


def mean_of(histogram: str, by: str = "") -> str:
    """Mean of a histogram's observations over the rate window: rate(sum) / rate(count)."""
    grouping = f" by ({by})" if by else ""
    return (
        f"sum{grouping} (rate({histogram}_sum[{RATE}]))\n"
        f"/\nsum{grouping} (rate({histogram}_count[{RATE}]))"
    )


def quantile(q: float, histogram: str, by: str = "") -> str:
    labels = f"le, {by}" if by else "le"
    return f"histogram_quantile({q}, sum by ({labels}) (rate({histogram}_bucket[{RATE}])))"


def good_ratio(slo: str) -> str:
    """Share of good events for one of the SLI counter pairs."""
    good = f"sum(rate(ai_sli_{slo}_success_total[{RATE}]))"
    bad = f"sum(rate(ai_sli_{slo}_violations_total[{RATE}]))"
    return f"{good}\n/\n({good} + {bad})"


# Panels -------------------------------------------------------------------------------


def _thresholds(steps: Sequence[tuple[float | None, str]]) -> dict[str, Any]:
    return {
        "mode": "absolute",
        "steps": [{"color": color, "value": value} for value, color in steps],
    }


GOOD_HIGH = ((None, "red"), (0.6, "orange"), (0.8, "green"))  # scores: higher is better
BAD_HIGH = ((None, "green"), (1, "orange"), (2, "red"))  # burn rates: lower is better


def panel(
    kind: str,
    title: str,
    targets: Sequence[dict[str, Any]],
    *,
    description: str,
    unit: str = "short",
    w: int = 8,
    h: int = 8,
    decimals: int | None = None,
    minimum: float | None = None,
    maximum: float | None = None,
    thresholds: Sequence[tuple[float | None, str]] | None = None,
    options: dict[str, Any] | None = None,
    custom: dict[str, Any] | None = None,
) -> Panel:
    defaults: dict[str, Any] = {"unit": unit}
    if decimals is not None:
        defaults["decimals"] = decimals
    if minimum is not None:
        defaults["min"] = minimum
    if maximum is not None:
        defaults["max"] = maximum
    if thresholds is not None:
        defaults["thresholds"] = _thresholds(thresholds)
        defaults["color"] = {"mode": "thresholds"}
    if custom:
        defaults["custom"] = custom
    datasource = targets[0]["datasource"] if targets else PROMETHEUS
    return {
        "type": kind,
        "title": title,
        "description": description,
        "datasource": datasource,
        "gridPos": {"h": h, "w": w, "x": 0, "y": 0},
        "fieldConfig": {"defaults": defaults, "overrides": []},
        "options": options or {},
        "targets": [dict(t, refId=chr(ord("A") + i)) for i, t in enumerate(targets)],
    }


def timeseries(title: str, targets: Sequence[dict[str, Any]], **kw: Any) -> Panel:
    kw.setdefault("options", {"legend": {"displayMode": "list", "placement": "bottom"}})
    kw.setdefault("custom", {"lineWidth": 1, "fillOpacity": 10, "showPoints": "never"})
    return panel("timeseries", title, targets, **kw)


def stat(title: str, expr: str, **kw: Any) -> Panel:
    kw.setdefault("w", 4)
    kw.setdefault("h", 5)
    kw.setdefault(
        "options",
        {
            "reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
            "colorMode": "value",
            "graphMode": "area",
            "textMode": "auto",
        },
    )
    return panel("stat", title, [prom(expr, instant=True, range=False)], **kw)


def bargauge(title: str, targets: Sequence[dict[str, Any]], **kw: Any) -> Panel:
    kw.setdefault(
        "options",
        {
            "reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
            "orientation": "horizontal",
            "displayMode": "gradient",
        },
    )
    return panel("bargauge", title, targets, **kw)


def piechart(title: str, expr: str, legend: str, **kw: Any) -> Panel:
    kw.setdefault(
        "options",
        {
            "reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
            "pieType": "donut",
            "legend": {"displayMode": "table", "placement": "right", "values": ["value"]},
        },
    )
    return panel("piechart", title, [prom(expr, legend, instant=True, range=False)], **kw)


def heatmap(title: str, histogram: str, **kw: Any) -> Panel:
    kw.setdefault(
        "options",
        {
            "calculate": False,
            "yAxis": {"unit": kw.get("unit", "short")},
            "color": {"mode": "scheme", "scheme": "Oranges"},
            "cellGap": 1,
        },
    )
    target = prom(f"sum by (le) (increase({histogram}_bucket[{RATE}]))", "{{le}}", format="heatmap")
    return panel("heatmap", title, [target], **kw)


def logs(title: str, query: str, **kw: Any) -> Panel:
    kw.setdefault("w", 12)
    kw.setdefault("h", 10)
    kw.setdefault(
        "options",
        {
            "showTime": True,
            "wrapLogMessage": True,
            "sortOrder": "Descending",
            "enableLogDetails": True,
            "prettifyLogMessage": False,
        },
    )
    target = {"datasource": LOKI, "expr": query, "queryType": "range"}
    return panel("logs", title, [target], **kw)


def traces(title: str, **kw: Any) -> Panel:
    kw.setdefault("w", 12)
    kw.setdefault("h", 10)
    target = {
        "datasource": TEMPO,
        "queryType": "traceql",
        "query": '{resource.service.name="aimonitor"}',
        "limit": 20,
        "tableType": "traces",
    }
    return panel("table", title, [target], **kw)


def row(title: str) -> Panel:
    return {
        "type": "row",
        "title": title,
        "collapsed": False,
        "gridPos": {"h": 1, "w": GRID_WIDTH, "x": 0, "y": 0},
        "panels": [],
    }


# Layout -------------------------------------------------------------------------------


@dataclass
class Dashboard:
    uid: str
    title: str
    description: str
    tags: list[str]
    panels: list[Panel] = field(default_factory=list)

    def add(self, *panels: Panel) -> Dashboard:
        self.panels.extend(panels)
        return self

    def to_json(self) -> dict[str, Any]:
        return {
            "uid": self.uid,
            "title": self.title,
            "description": self.description,
            "tags": self.tags,
            "editable": False,
            "graphTooltip": 1,
            "refresh": "30s",
            "schemaVersion": 39,
            "time": {"from": "now-1h", "to": "now"},
            "timezone": "browser",
            "annotations": {
                "list": [
                    {
                        "name": "Alerts",
                        "datasource": PROMETHEUS,
                        "enable": True,
                        "expr": 'ALERTS{alertstate="firing"}',
                        "iconColor": "red",
                        "titleFormat": "{{alertname}}",
                        # ALERTS carries the alert's labels, not its annotations.
                        "textFormat": "{{severity}} alert for team {{team}}",
                        "useValueForTime": False,
                        "step": "60s",
                    }
                ]
            },
            "templating": {"list": []},
            "links": [
                {
                    "title": "AI dashboards",
                    "type": "dashboards",
                    "tags": ["aimonitor"],
                    "asDropdown": True,
                }
            ],
            "panels": list(_layout(self.panels)),
        }


def _layout(panels: Iterable[Panel]) -> Iterable[Panel]:
    """Place panels left to right, wrapping at the grid width; rows start a new line."""
    x = y = line_height = 0
    for index, source in enumerate(panels, start=1):
        item = json.loads(json.dumps(source))  # a copy: builders may share dicts
        item["id"] = index
        pos = item["gridPos"]
        if item["type"] == "row" or x + pos["w"] > GRID_WIDTH:
            y += line_height
            x = line_height = 0
        pos["x"], pos["y"] = x, y
        if item["type"] == "row":
            y += pos["h"]
        else:
            x += pos["w"]
            line_height = max(line_height, pos["h"])
        yield item


# The four dashboards ------------------------------------------------------------------

SECURITY_EVENTS_LOGQL = (
    '{job="aimonitor"} | json | decision=~"blocked|redacted|rate_limited"'
    ' or risk_level=~"high|unacceptable"'
)
ERROR_LOGS_LOGQL = '{job="aimonitor"} |~ "\\"status\\": ?\\"error\\"|hallucination" | json'


def quality_score_panel(title: str, **kw: Any) -> Panel:
    return timeseries(
        title,
        [prom(mean_of("ai_response_quality_score", "scenario"), "{{scenario}}")],
        description="Mean quality score (0-1) of answers per scenario: rate of the "
        "histogram's sum over rate of its count. Alerts: below 0.6 (warning), 0.4 (critical).",
        unit="none",
        minimum=0,
        maximum=1,
        decimals=2,
        **kw,
    )


def global_reliability_stat(**kw: Any) -> Panel:
    return stat(
        "Global Reliability SLI",
        good_ratio("availability"),
        description="Share of /predict requests answered without a 5xx over the rate window "
        "(availability SLI; objective 99.5%).",
        unit="percentunit",
        decimals=2,
        thresholds=((None, "red"), (0.99, "orange"), (0.995, "green")),
        **kw,
    )


def errors_hallucinations_panel(title: str, **kw: Any) -> Panel:
    return timeseries(
        title,
        [
            prom(
                f"sum by (type) (rate(ai_requests_error_total[{RATE}]))",
                "error: {{type}}",
            ),
            prom(
                f"sum by (source) (rate(ai_hallucination_events_total[{RATE}]))",
                "hallucination: {{source}}",
            ),
        ],
        description="Failed requests by error type and hallucination signals by source, "
        "per second.",
        unit="reqps",
        **kw,
    )


def latency_p95_panel(title: str, by: str = "", **kw: Any) -> Panel:
    legend = "p95 {{" + by + "}}" if by else "p95"
    return timeseries(
        title,
        [prom(quantile(0.95, "ai_latency_seconds", by), legend)],
        description="95th percentile of end-to-end /predict latency, from the "
        "ai_latency_seconds histogram. The latency SLO threshold is 1 s.",
        unit="s",
        **kw,
    )


def trust_suite() -> Dashboard:
    d = Dashboard(
        uid="ai-trustworthiness-suite",
        title="AI Trustworthiness Suite",
        description="Quality, security, privacy, guardrails, drift, cost, AI Act risk, SLOs "
        "and audit of the AI service on one page.",
        tags=["aimonitor", "trust"],
    )
    d.add(
        row("Executive Overview"),
        global_reliability_stat(),
        stat(
            "Trust Index",
            "avg(ai_trust_index)",
            description="Rolling trust index (0-1) averaged over scenarios: quality, "
            "security and compliance of recent requests.",
            unit="percentunit",
            decimals=1,
            thresholds=GOOD_HIGH,
        ),
        stat(
            "Security Score",
            mean_of("ai_prompt_security_score"),
            description="Mean prompt security score (1 = safe, 0 = attack) over the rate window.",
            unit="percentunit",
            decimals=1,
            thresholds=GOOD_HIGH,
        ),
        stat(
            "Active Conversations",
            "sum(ai_active_conversations)",
            description="Conversations with a turn in the last 30 minutes.",
            decimals=0,
        ),
        stat(
            "User Satisfaction",
            "avg(ai_user_satisfaction_score)",
            description="Rolling mean of user ratings, scaled to 0-1.",
            unit="percentunit",
            decimals=1,
            thresholds=GOOD_HIGH,
        ),
        stat(
            "Error Budget Burn Rate",
            "max(ai_slo_error_budget_burn_rate)",
            description="Highest burn rate reported by the service over its SLOs "
            "(1 = exactly on budget; alert above 2).",
            decimals=2,
            thresholds=BAD_HIGH,
        ),
        row("Security & Privacy (GAME CHANGER)"),
        timeseries(
            "PII Detection by Type",
            [
                prom(
                    f"sum by (type, stage) (rate(ai_pii_detected_total[{RATE}]))",
                    "{{type}} ({{stage}})",
                )
            ],
            description="Personal data found per second, by type, in prompts (input) and "
            "in answers (output; any output item raises PIILeakedInResponse).",
            unit="cps",
        ),
        timeseries(
            "Prompt Injection Attempts",
            [
                prom(f"sum(rate(ai_prompt_injection_attempts_total[{RATE}]))", "injection"),
                prom(f"sum(rate(ai_jailbreak_attempts_total[{RATE}]))", "jailbreak"),
            ],
            description="Prompts detected as injection or jailbreak attempts, per second.",
            unit="cps",
        ),
        heatmap(
            "Prompt Security Score Distribution",
            "ai_prompt_security_score",
            description="How prompt security scores spread (1 = safe, 0 = attack): a band "
            "near 0 is an attack campaign.",
        ),
        row("Guardrails & Protection"),
        timeseries(
            "Guardrail Triggers",
            [
                prom(
                    f"sum by (guardrail, action) (rate(ai_guardrail_triggers_total[{RATE}]))",
                    "{{guardrail}} {{action}}",
                )
            ],
            description="Guardrail decisions per second by guardrail and action (block, "
            "redact, warn).",
            unit="cps",
            w=12,
        ),
        piechart(
            "Blocked Requests by Reason",
            f"sum by (guardrail) (increase(ai_guardrail_blocked_total[{RATE}]))",
            "{{guardrail}}",
            description="Requests blocked over the rate window, by the guardrail that "
            "blocked them.",
            w=12,
        ),
        row("Quality & Reliability"),
        quality_score_panel("AI Response Quality Score"),
        errors_hallucinations_panel("Errors & Hallucinations Rate"),
        timeseries(
            "Latency Percentiles",
            [
                prom(quantile(0.5, "ai_latency_seconds"), "p50"),
                prom(quantile(0.95, "ai_latency_seconds"), "p95"),
                prom(quantile(0.99, "ai_latency_seconds"), "p99"),
            ],
            description="End-to-end /predict latency percentiles (SLO threshold 1 s).",
            unit="s",
        ),
        row("Semantic Drift Detection (GAME CHANGER)"),
        timeseries(
            "Drift Score by Dimension",
            [
                prom("max(ai_input_drift_score)", "overall"),
                prom("max by (dimension) (ai_drift_dimension_score)", "{{dimension}}"),
            ],
            description="Drift of recent inputs against the reference window (0-1), "
            "overall and per dimension (embedding, length, language). Alert above 0.7.",
            unit="none",
            minimum=0,
            maximum=1,
            w=12,
        ),
        timeseries(
            "Drift Alerts",
            [
                prom(
                    f"sum by (severity) (increase(ai_drift_alerts_total[{RATE}]))",
                    "{{severity}}",
                )
            ],
            description="Drift episodes started, by severity.",
            w=12,
        ),
        row("Conversations & User Experience"),
        heatmap(
            "Conversation Turns Distribution",
            "ai_conversation_turns_per_conversation",
            description="Number of turns a conversation has reached when it gets a new turn.",
        ),
        piechart(
            "User Feedback Distribution",
            f"sum by (rating) (increase(ai_user_feedback_total[{RATE}]))",
            "rating {{rating}}",
            description="User feedback over the rate window, by rating (1-5).",
        ),
        timeseries(
            "Conversation Duration",
            [
                prom(quantile(0.5, "ai_conversation_duration_seconds"), "p50"),
                prom(quantile(0.95, "ai_conversation_duration_seconds"), "p95"),
            ],
            description="Age of a conversation at each new turn.",
            unit="s",
        ),
        row("Cost & Tokens"),
        timeseries(
            "Cost Rate (EUR/min)",
            [
                prom(
                    f"sum by (model) (rate(ai_cost_estimated_eur_total[{RATE}])) * 60",
                    "{{model}}",
                )
            ],
            description="Estimated model spend in EUR per minute, by model (prices from "
            "the service's price table).",
            unit="currencyEUR",
            decimals=4,
            w=12,
        ),
        timeseries(
            "Token Usage Rate",
            [
                prom(f"sum(rate(ai_tokens_input_total[{RATE}]))", "input"),
                prom(f"sum(rate(ai_tokens_output_total[{RATE}]))", "output"),
            ],
            description="Tokens per second sent to and received from the model.",
            unit="short",
            w=12,
        ),
        row("Risk & Compliance (AI Act)"),
        piechart(
            "Risk Level Distribution",
            f"sum by (risk_level) (increase(ai_risky_responses_total[{RATE}]))",
            "{{risk_level}}",
            description="Requests by AI Act risk level over the rate window.",
        ),
        bargauge(
            "Compliance Scores",
            [
                prom("avg(ai_compliance_score)", "overall", instant=True, range=False),
                prom(
                    f'sum by (check) (rate(ai_compliance_checks_total{{result="pass"}}[{RATE}]))'
                    f"\n/\nsum by (check) (rate(ai_compliance_checks_total[{RATE}]))",
                    "{{check}}",
                    instant=True,
                    range=False,
                ),
            ],
            description="Rolling compliance score and the pass ratio of each compliance "
            "check (redaction before model and storage, no leak, transparency, logging, "
            "audit written).",
            unit="percentunit",
            minimum=0,
            maximum=1,
            thresholds=((None, "red"), (0.9, "orange"), (0.99, "green")),
        ),
        timeseries(
            "Trust Index by Scenario",
            [prom("avg by (scenario) (ai_trust_index)", "{{scenario}}")],
            description="Rolling trust index (0-1) per scenario.",
            unit="none",
            minimum=0,
            maximum=1,
        ),
        row("SLO/SLI Tracking"),
        stat(
            "Latency SLI",
            good_ratio("latency"),
            description="Share of requests answered within the latency SLO threshold "
            "(SLO_LATENCY_THRESHOLD_MS, 1 s) over the rate window; objective 99%.",
            unit="percentunit",
            decimals=2,
            thresholds=((None, "red"), (0.98, "orange"), (0.99, "green")),
            w=6,
            h=8,
        ),
        stat(
            "Quality SLI",
            good_ratio("quality"),
            description="Share of answers at or above the quality threshold "
            "(SLO_QUALITY_THRESHOLD, 0.8) over the rate window; objective 95%.",
            unit="percentunit",
            decimals=2,
            thresholds=((None, "red"), (0.9, "orange"), (0.95, "green")),
            w=6,
            h=8,
        ),
        timeseries(
            "SLI Violations Over Time",
            [
                prom(f"sum(rate(ai_sli_latency_violations_total[{RATE}]))", "latency"),
                prom(f"sum(rate(ai_sli_quality_violations_total[{RATE}]))", "quality"),
                prom(f"sum(rate(ai_sli_availability_violations_total[{RATE}]))", "availability"),
            ],
            description="Requests breaking each SLI, per second.",
            unit="reqps",
            w=12,
        ),
        row("Traffic by Scenario"),
        timeseries(
            "Request Rate by Scenario",
            [
                prom(
                    f"sum by (scenario, status) (rate(ai_requests_total[{RATE}]))",
                    "{{scenario}} {{status}}",
                )
            ],
            description="/predict requests per second by scenario and outcome.",
            unit="reqps",
            w=12,
        ),
        timeseries(
            "Error Rate by Scenario & Type",
            [
                prom(
                    f"sum by (scenario, type) (rate(ai_requests_error_total[{RATE}]))",
                    "{{scenario}} {{type}}",
                )
            ],
            description="Failed requests per second by scenario and error type.",
            unit="reqps",
            w=12,
        ),
        row("Audit & Observability"),
        timeseries(
            "Audit Events by Type",
            [prom(f"sum by (type) (rate(ai_audit_events_total[{RATE}]))", "{{type}}")],
            description="Audit records written per second, by type.",
            unit="cps",
            w=12,
        ),
        timeseries(
            "Audit Events by Severity",
            [prom(f"sum by (severity) (rate(ai_audit_events_total[{RATE}]))", "{{severity}}")],
            description="Audit records written per second, by severity.",
            unit="cps",
            w=12,
        ),
        row("Traces & Logs"),
        traces(
            "Recent Traces (Tempo)",
            description="The latest sampled traces of the service (every error, every "
            "request over 1 s, 10% of the rest). Click a trace id to open it.",
        ),
        logs(
            "Recent Risk/Security Events (Loki)",
            SECURITY_EVENTS_LOGQL,
            description="Request log lines that were blocked, redacted or rate limited, or "
            "rated high risk (the seed read them from OpenSearch). No raw text unless "
            "AIMONITOR_LOG_TEXT=true.",
        ),
    )
    return d


def reliability_overview() -> Dashboard:
    d = Dashboard(
        uid="ai-reliability-overview",
        title="AI Reliability Overview",
        description="The four signals an SRE checks first: quality, errors, latency, cost.",
        tags=["aimonitor", "reliability"],
    )
    d.add(
        quality_score_panel("AI Response Quality Score (avg)", w=12),
        errors_hallucinations_panel("AI Errors & Hallucinations", w=12),
        latency_p95_panel("AI Response Latency (p95)", w=12),
        stat(
            "AI Estimated Cost (EUR)",
            "sum(increase(ai_cost_estimated_eur_total[$__range]))",
            description="Estimated model spend over the dashboard's time range.",
            unit="currencyEUR",
            decimals=4,
            w=12,
            h=8,
        ),
        timeseries(
            "Time to first token (gateway streams)",
            [
                prom(
                    quantile(
                        0.5, "gen_ai_server_time_to_first_token_seconds", "gen_ai_request_model"
                    ),
                    "p50 {{gen_ai_request_model}}",
                ),
                prom(
                    quantile(
                        0.95, "gen_ai_server_time_to_first_token_seconds", "gen_ai_request_model"
                    ),
                    "p95 {{gen_ai_request_model}}",
                ),
            ],
            description=(
                "From the request's arrival to the first streamed token the client received, "
                "guardrails included (gen_ai.server.time_to_first_token)."
            ),
            unit="s",
            w=12,
        ),
        timeseries(
            "Output tokens per second",
            [
                prom(
                    "sum by (gen_ai_request_model) "
                    '(rate(gen_ai_client_token_usage_sum{gen_ai_token_type="output"}'
                    f"[{RATE}]))",
                    "{{gen_ai_request_model}}",
                ),
            ],
            description="Tokens the models produced, per second, by model (gateway and /predict).",
            unit="short",
            w=12,
        ),
    )
    return d


def slo_dashboard() -> Dashboard:
    d = Dashboard(
        uid="ai-slo-dashboard",
        title="AI Monitoring - SLO Dashboard",
        description="SLOs of the AI service (availability 99.5%, latency 99% under 1 s, "
        "quality 95% at or above 0.8) and their 30-day error budgets.",
        tags=["aimonitor", "slo"],
    )
    d.add(
        row("🎯 Vue d'ensemble SLO"),
        stat(
            "Disponibilité (SLO: 99.5%)",
            '1 - slo:sli_error:ratio_rate30d{slo="availability"}',
            description="Availability over the 30-day SLO period (recording rule).",
            unit="percentunit",
            decimals=3,
            thresholds=((None, "red"), (0.995, "green")),
            w=6,
        ),
        stat(
            "Latence P99 (SLO: <1s)",
            quantile(0.99, "ai_latency_seconds"),
            description="99th percentile of /predict latency over the rate window; the "
            "latency SLO asks 99% of requests under 1 s.",
            unit="s",
            decimals=3,
            thresholds=((None, "green"), (1, "red")),
            w=6,
        ),
        stat(
            "Score Qualité AI (SLO: >0.8)",
            mean_of("ai_response_quality_score"),
            description="Mean answer quality over the rate window.",
            unit="none",
            decimals=2,
            thresholds=GOOD_HIGH,
            w=6,
        ),
        stat(
            "Error Budget Burn Rate",
            "max(slo:error_budget:burn_rate1h)",
            description="Highest 1-hour burn rate over the three SLOs (1 = on budget; "
            "14.4 with the 5-minute window pages).",
            decimals=2,
            thresholds=((None, "green"), (1, "orange"), (6, "red")),
            w=6,
        ),
        row("📊 Tendances SLI"),
        timeseries(
            "Disponibilité dans le temps",
            [
                prom('1 - slo:sli_error:ratio_rate5m{slo="availability"}', "5m"),
                prom('1 - slo:sli_error:ratio_rate1h{slo="availability"}', "1h"),
            ],
            description="Availability SLI over 5-minute and 1-hour windows.",
            unit="percentunit",
            w=12,
        ),
        heatmap(
            "Distribution de Latence",
            "ai_latency_seconds",
            description="How /predict latencies spread over the histogram buckets (1 s is "
            "a bucket boundary: the SLO threshold).",
            unit="s",
            w=12,
        ),
        row("🔒 Sécurité & Compliance"),
        stat(
            "Score Sécurité",
            mean_of("ai_prompt_security_score"),
            description="Mean prompt security score (1 = safe).",
            unit="percentunit",
            decimals=1,
            thresholds=GOOD_HIGH,
            w=6,
        ),
        stat(
            "Conformité GDPR",
            "avg(ai_compliance_score)",
            description="Rolling compliance score (personal data redacted before the model "
            "and storage, no leak, audit written).",
            unit="percentunit",
            decimals=1,
            thresholds=((None, "red"), (0.9, "orange"), (0.99, "green")),
            w=6,
        ),
        stat(
            "Index de Confiance",
            "avg(ai_trust_index)",
            description="Rolling trust index averaged over scenarios.",
            unit="percentunit",
            decimals=1,
            thresholds=GOOD_HIGH,
            w=6,
        ),
        timeseries(
            "Événements Sécurité",
            [
                prom(f"sum(rate(ai_prompt_injection_attempts_total[{RATE}]))", "injection"),
                prom(f"sum(rate(ai_jailbreak_attempts_total[{RATE}]))", "jailbreak"),
                prom(f"sum(rate(ai_pii_detected_total[{RATE}]))", "personal data"),
                prom(f"sum(rate(ai_toxicity_events_total[{RATE}]))", "toxicity"),
            ],
            description="Security events per second.",
            unit="cps",
            w=6,
        ),
        row("💰 Coûts & Ressources"),
        timeseries(
            "Consommation de Tokens",
            [
                prom(f"sum(rate(ai_tokens_input_total[{RATE}]))", "input"),
                prom(f"sum(rate(ai_tokens_output_total[{RATE}]))", "output"),
            ],
            description="Tokens per second.",
            w=12,
        ),
        stat(
            "Coût Estimé",
            "sum(increase(ai_cost_estimated_eur_total[$__range]))",
            description="Estimated spend over the time range; remaining daily budget in "
            "the Cost panels of the Trustworthiness Suite.",
            unit="currencyEUR",
            decimals=4,
            w=12,
            h=8,
        ),
        row("📈 Error Budget"),
        bargauge(
            "Error Budget Restant",
            [prom("slo:error_budget:remaining", "{{slo}}", instant=True, range=False)],
            description="Share of the 30-day error budget left per SLO (1 = untouched, "
            "0 = spent, below 0 = SLO broken).",
            unit="percentunit",
            minimum=0,
            maximum=1,
            thresholds=((None, "red"), (0.25, "orange"), (0.5, "green")),
            w=8,
        ),
        timeseries(
            "Error Budget Burn Rate (1x = consommation normale)",
            [
                prom("slo:error_budget:burn_rate1h", "{{slo}} 1h"),
                prom("slo:error_budget:burn_rate6h", "{{slo}} 6h"),
                prom("slo:error_budget:burn_rate1d", "{{slo}} 1d"),
                prom("slo:error_budget:burn_rate3d", "{{slo}} 3d"),
            ],
            description="Burn rate per SLO over the alert windows. Page: 14.4x (1h) or 6x "
            "(6h); ticket: 3x (1d) or 1x (3d).",
            w=16,
        ),
    )
    return d


def observability_dashboard() -> Dashboard:
    d = Dashboard(
        uid="ai-trustworthiness-observability",
        title="AI Trustworthiness Observability",
        description="Reliability, quality, cost and compliance with the traces and logs "
        "behind them.",
        tags=["aimonitor", "observability"],
    )
    d.add(
        row("Reliability & Quality"),
        global_reliability_stat(w=6, h=8),
        quality_score_panel("AI Response Quality Score (avg)", w=9),
        errors_hallucinations_panel("Errors & Hallucinations (rate)", w=9),
        row("Performance & Cost"),
        latency_p95_panel("AI Response Latency (p95)", w=12),
        timeseries(
            "Estimated Cost Rate (EUR/s)",
            [prom(f"sum(rate(ai_cost_estimated_eur_total[{RATE}]))", "EUR/s")],
            description="Estimated model spend per second.",
            unit="currencyEUR",
            decimals=6,
            w=12,
        ),
        row("Compliance-style View"),
        timeseries(
            "Trust / Compliance Index",
            [
                prom("avg(ai_trust_index)", "trust index"),
                prom("avg(ai_compliance_score)", "compliance score"),
            ],
            description="Rolling trust index and compliance score, both measured on the "
            "requests served (the seed's version was synthetic).",
            unit="none",
            minimum=0,
            maximum=1,
        ),
        timeseries(
            "Requests by Scenario",
            [
                prom(
                    f"sum by (scenario) (rate(ai_requests_total[{RATE}]))",
                    "{{scenario}}",
                )
            ],
            description="/predict requests per second by scenario.",
            unit="reqps",
        ),
        timeseries(
            "Hallucinations by Scenario",
            [
                prom(
                    f"sum by (scenario) (rate(ai_hallucination_events_total[{RATE}]))",
                    "{{scenario}}",
                )
            ],
            description="Hallucination signals per second by scenario.",
            unit="cps",
        ),
        row("Observability: Traces & Logs"),
        traces(
            "Last Traces (Tempo)",
            description="The latest sampled traces of the service.",
            w=8,
        ),
        latency_p95_panel("Latency per Scenario (p95)", by="scenario", w=8),
        logs(
            "Recent Error / Hallucination Logs (Loki)",
            ERROR_LOGS_LOGQL,
            description="Log lines of failed requests and hallucination signals (the seed "
            "read them from OpenSearch).",
            w=8,
        ),
    )
    return d


DASHBOARDS = {
    "ai-trustworthiness-suite.json": trust_suite,
    "ai-reliability-overview.json": reliability_overview,
    "ai-slo-dashboard.json": slo_dashboard,
    "ai-trustworthiness-observability.json": observability_dashboard,
}


def render(name: str) -> str:
    return json.dumps(DASHBOARDS[name]().to_json(), indent=2, ensure_ascii=False) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--output-dir", type=Path, default=DASHBOARD_DIR)
    args = parser.parse_args(argv)
    args.output_dir.mkdir(parents=True, exist_ok=True)
    for name in DASHBOARDS:
        (args.output_dir / name).write_text(render(name), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
