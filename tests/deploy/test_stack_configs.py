"""OTel Collector, Tempo, Loki, Fluent-bit, VictoriaMetrics, vmalert and Grafana
datasource configurations: the properties the stack relies on."""

from __future__ import annotations

import json
import logging
import re
import subprocess
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from deploy_paths import DEPLOY

from aimonitor.config import Settings
from aimonitor.telemetry.exemplars import TRACE_ID_LABEL
from aimonitor.telemetry.logging import JsonFormatter, RequestLogger
from support.servers import require_binary

OTEL_CONFIGS = [DEPLOY / "otel" / "otel-collector-config.yaml"]
OTEL_CONFIGS.append(DEPLOY / "otel" / "otel-collector-scalable.yaml")
DATASOURCES = DEPLOY / "grafana" / "provisioning" / "datasources" / "datasources.yml"
SCALABLE_DATASOURCES = (
    DEPLOY / "grafana" / "provisioning-scalable" / "datasources" / "datasources.yml"
)
LOG_FIELDS = ("time", "level", "request_id", "trace_id", "scenario", "status", "latency_ms")


def load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", OTEL_CONFIGS, ids=lambda p: p.name)
def test_collector_tail_samples_errors_slow_requests_and_ten_percent(path: Path) -> None:
    config = load(path)
    policies = {p["type"]: p for p in config["processors"]["tail_sampling"]["policies"]}
    assert set(policies) == {"status_code", "latency", "probabilistic"}
    assert policies["status_code"]["status_code"]["status_codes"] == ["ERROR"]
    # "Slower than the latency SLO": the service's default threshold.
    threshold_ms = Settings().slo_latency_threshold_ms
    assert policies["latency"]["latency"]["threshold_ms"] == threshold_ms
    assert policies["probabilistic"]["probabilistic"]["sampling_percentage"] == 10
    traces = config["service"]["pipelines"]["traces"]
    assert traces["receivers"] == ["otlp"]
    assert "tail_sampling" in traces["processors"]
    assert "otlp/tempo" in traces["exporters"]
    assert config["exporters"]["otlp/tempo"]["endpoint"] == "tempo:4317"
    protocols = config["receivers"]["otlp"]["protocols"]
    assert protocols["grpc"]["endpoint"].endswith(":4317")
    assert protocols["http"]["endpoint"].endswith(":4318")


@pytest.mark.parametrize("name", ["tempo.yml", "tempo-scalable.yml"])
def test_tempo_receives_otlp_from_the_collector(name: str) -> None:
    config = load(DEPLOY / "tempo" / name)
    assert config["server"]["http_listen_port"] == 3200
    grpc = config["distributor"]["receivers"]["otlp"]["protocols"]["grpc"]
    assert grpc["endpoint"] == "0.0.0.0:4317"


def test_loki_listens_on_the_seed_port() -> None:
    config = load(DEPLOY / "loki" / "local-config.yaml")
    assert config["server"]["http_listen_port"] == 3100
    assert config["auth_enabled"] is False


def _fluent_sections(path: Path) -> list[tuple[str, dict[str, str]]]:
    sections: list[tuple[str, dict[str, str]]] = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if match := re.fullmatch(r"\[(\w+)\]", line):
            sections.append((match.group(1), {}))
        else:
            key, _, value = line.partition(" ")
            sections[-1][1][key.lower()] = value.strip()
    return sections


def _parser() -> dict[str, str]:
    sections = _fluent_sections(DEPLOY / "fluent-bit" / "parsers.conf")
    return next(s for kind, s in sections if kind == "PARSER" and s["name"] == "aimonitor_json")


class _Collect(logging.Handler):
    def __init__(self, records: list[logging.LogRecord]) -> None:
        super().__init__()
        self.records = records

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def test_fluent_bit_parses_the_service_log_line() -> None:
    parser = _parser()
    assert parser["format"] == "json"
    assert parser["time_key"] == "time"
    # A real request line from the service's formatter, read the way Fluent-bit will.
    records: list[logging.LogRecord] = []
    handler = _Collect(records)
    logger = logging.getLogger("test.fluent-bit.request")
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    logger.propagate = False
    try:
        RequestLogger(logger).log(
            request_id="3f0c", scenario="A", status="success", latency_ms=12.5,
            trace_id="0" * 32, decision="served",
        )  # fmt: skip
    finally:
        logger.removeHandler(handler)
    line = json.loads(JsonFormatter().format(records[0]))
    for field in (*LOG_FIELDS, "decision"):
        assert field in line, field
    # Fluent-bit's %L is the fractional part; Python's %f reads the same digits.
    python_format = parser["time_format"].replace("%L", "%f")
    datetime.strptime(line["time"], python_format)


@pytest.mark.parametrize("name", ["fluent-bit.conf", "fluent-bit-scalable.conf"])
def test_fluent_bit_tails_the_service_log_file(name: str) -> None:
    sections = _fluent_sections(DEPLOY / "fluent-bit" / name)
    service = next(s for kind, s in sections if kind == "SERVICE")
    assert service["parsers_file"] == "parsers.conf"
    tail = next(s for kind, s in sections if kind == "INPUT")
    assert tail["name"] == "tail"
    assert tail["path"] == "/logs/app.log"  # AIMONITOR_LOG_DIR=/logs in the app container
    assert tail["parser"] == "aimonitor_json"
    outputs = {s["name"] for kind, s in sections if kind == "OUTPUT"}
    expected = {"loki"} if name == "fluent-bit.conf" else {"opensearch", "http"}
    assert outputs == expected


def test_loki_output_labels_match_the_dashboard_queries() -> None:
    sections = _fluent_sections(DEPLOY / "fluent-bit" / "fluent-bit.conf")
    loki = next(s for kind, s in sections if kind == "OUTPUT")
    assert "job=aimonitor" in loki["labels"]
    assert loki["line_format"] == "json"


def test_victoria_metrics_accepts_the_scrape_config() -> None:
    binary = require_binary("victoria-metrics")
    result = subprocess.run(
        [
            binary,
            f"-promscrape.config={DEPLOY / 'victoria-metrics' / 'scrape.yml'}",
            "-promscrape.config.dryRun",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    jobs = {
        job["job_name"]
        for job in load(DEPLOY / "victoria-metrics" / "scrape.yml")["scrape_configs"]
    }
    assert {"aimonitor", "victoriametrics", "vmalert", "alertmanager"} <= jobs


def test_vmalert_accepts_the_prometheus_rules() -> None:
    binary = require_binary("vmalert")
    result = subprocess.run(
        [binary, "-dryRun", f"-rule={DEPLOY / 'prometheus' / 'rules'}/*.yml"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_prometheus_scrapes_app_prometheus_alertmanager_and_collector() -> None:
    config = load(DEPLOY / "prometheus" / "prometheus.yml")
    targets = {
        job["job_name"]: job["static_configs"][0]["targets"] for job in config["scrape_configs"]
    }
    assert targets["aimonitor"] == ["app:8000"]
    assert set(targets) == {"aimonitor", "prometheus", "alertmanager", "otel-collector"}
    assert config["rule_files"] == ["rules/*.yml"]
    am = config["alerting"]["alertmanagers"][0]["static_configs"][0]["targets"]
    assert am == ["alertmanager:9093"]


def _datasources(path: Path) -> dict[str, dict[str, Any]]:
    return {source["uid"]: source for source in load(path)["datasources"]}


def test_grafana_datasources_link_exemplars_traces_and_logs() -> None:
    sources = _datasources(DATASOURCES)
    assert {"prometheus", "loki", "tempo"} <= set(sources)
    exemplar = sources["prometheus"]["jsonData"]["exemplarTraceIdDestinations"][0]
    assert exemplar == {"name": TRACE_ID_LABEL, "datasourceUid": "tempo"}
    to_logs = sources["tempo"]["jsonData"]["tracesToLogsV2"]
    assert to_logs["datasourceUid"] == "loki"
    assert '{job="aimonitor"} | json' in to_logs["query"]
    derived = sources["loki"]["jsonData"]["derivedFields"][0]
    assert derived["datasourceUid"] == "tempo"
    line = '{"time": "t", "trace_id": "' + "ab" * 16 + '"}'
    assert re.search(derived["matcherRegex"], line).group(1) == "ab" * 16  # type: ignore[union-attr]


def test_scalable_grafana_reads_metrics_from_victoria_metrics_under_the_same_uid() -> None:
    sources = _datasources(SCALABLE_DATASOURCES)
    assert sources["prometheus"]["url"] == "http://victoriametrics:8428"
    assert sources["prometheus"]["type"] == "prometheus"
    assert "tempo" in sources


def test_every_dashboard_datasource_is_provisioned() -> None:
    provisioned = set(_datasources(DATASOURCES))
    for path in sorted((DEPLOY / "grafana" / "dashboards").glob("*.json")):
        for panel in json.loads(path.read_text(encoding="utf-8"))["panels"]:
            if panel["type"] != "row":
                assert panel["datasource"]["uid"] in provisioned, (path.name, panel["title"])
