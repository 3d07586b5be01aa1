"""Every metric a rule or a dashboard query names is declared in the catalogue
(src/aimonitor/telemetry/metrics.py) or is a recording rule or Prometheus's `up`/`ALERTS`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from deploy_paths import DEPLOY
from promql_names import catalogue_names, exported_names, metric_names

BUILTIN = {"up", "ALERTS", "ALERTS_FOR_STATE"}


def rule_expressions() -> Iterator[tuple[str, str]]:
    for path in sorted((DEPLOY / "prometheus" / "rules").glob("*.yml")):
        for group in yaml.safe_load(path.read_text(encoding="utf-8"))["groups"]:
            for rule in group["rules"]:
                yield rule.get("alert") or rule["record"], rule["expr"]


def recorded_names() -> set[str]:
    return {
        rule["record"]
        for path in sorted((DEPLOY / "prometheus" / "rules").glob("*.yml"))
        for group in yaml.safe_load(path.read_text(encoding="utf-8"))["groups"]
        for rule in group["rules"]
        if "record" in rule
    }


def dashboard_prometheus_queries() -> Iterator[tuple[str, str]]:
    for path in sorted((DEPLOY / "grafana" / "dashboards").glob("*.json")):
        dashboard: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        for annotation in dashboard["annotations"]["list"]:
            yield f"{path.name} annotation", annotation["expr"]
        for panel in dashboard["panels"]:
            for target in panel.get("targets", []):
                if target["datasource"]["uid"] == "prometheus":
                    yield f"{path.name}: {panel['title']}", target["expr"]


def test_extractor_finds_metrics_and_skips_functions_labels_and_keywords() -> None:
    expr = (
        'sum by (le, scenario) (rate(ai_latency_seconds_bucket{le=~"1|1\\\\.0"}[$__rate_interval]))'
        " / on (slo) group_left slo:error_budget:ratio > bool 0.5 and up == 0"
    )
    assert metric_names(expr) == {"ai_latency_seconds_bucket", "slo:error_budget:ratio", "up"}


def test_catalogue_names_include_labelled_metrics_before_their_first_value() -> None:
    names = catalogue_names()
    assert {"ai_requests_total", "ai_latency_seconds_bucket", "ai_trust_index"} <= names
    # Primed closed label sets: the series exist at zero from the start.
    assert {"ai_requests_total", "ai_pii_detected_total"} <= exported_names()


@pytest.mark.parametrize(
    ("where", "expr"), list(rule_expressions()) + list(dashboard_prometheus_queries())
)
def test_query_names_only_known_metrics(where: str, expr: str) -> None:
    known = catalogue_names() | recorded_names() | BUILTIN
    names = metric_names(expr)
    # Only the SLO objectives are constants (`vector(0.995)`); anything else must select.
    assert names or expr.startswith("vector("), f"{where}: no metric found in {expr!r}"
    unknown = names - known
    assert not unknown, f"{where}: {sorted(unknown)} not in the metrics catalogue"


def test_dashboards_exist() -> None:
    assert len(list((DEPLOY / "grafana" / "dashboards").glob("*.json"))) == 4
    assert Path(DEPLOY / "grafana" / "generate.py").is_file()
