"""Prometheus rules: promtool check and unit tests, labels and annotations of every
alert, unit-test coverage of every alert and recording rule, the generated SLO rules."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from deploy_paths import DEPLOY, REPO

from aimonitor.config import Settings
from aimonitor.telemetry.metrics import BASE_LATENCY_BUCKETS, latency_buckets

RULES_DIR = DEPLOY / "prometheus" / "rules"
TESTS_DIR = DEPLOY / "prometheus" / "tests"
RULE_FILES = sorted(RULES_DIR.glob("*.yml"))
TEST_FILES = sorted(TESTS_DIR.glob("*_test.yml"))
RUNBOOK = REPO / "docs" / "runbook.md"

TEAMS = {"quality", "security", "compliance", "slo", "infrastructure", "cost"}
SEVERITIES = {"critical", "warning", "info"}
SLOS = {"availability", "latency", "quality"}
WINDOWS = ("5m", "30m", "1h", "2h", "6h", "1d", "3d", "30d")


def _load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def alert_rules() -> list[dict[str, Any]]:
    return [
        rule
        for path in RULE_FILES
        for group in _load(path)["groups"]
        for rule in group["rules"]
        if "alert" in rule
    ]


def recording_rules() -> list[dict[str, Any]]:
    return [
        rule
        for path in RULE_FILES
        for group in _load(path)["groups"]
        for rule in group["rules"]
        if "record" in rule
    ]


def github_anchors(markdown: str) -> set[str]:
    """Anchors GitHub gives to the headings of a Markdown file."""
    anchors = set()
    for line in markdown.splitlines():
        if match := re.match(r"^#{1,6}\s+(.*?)\s*$", line):
            text = match.group(1).strip().lower()
            anchors.add(re.sub(r"[^\w\- ]", "", text).replace(" ", "-"))
    return anchors


def test_promtool_check_rules(promtool: str) -> None:
    result = subprocess.run(
        [promtool, "check", "rules", *map(str, RULE_FILES)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("test_file", TEST_FILES, ids=lambda p: p.name)
def test_promtool_unit_tests(promtool: str, test_file: Path) -> None:
    result = subprocess.run(
        [promtool, "test", "rules", test_file.name],
        cwd=TESTS_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_alert_has_severity_team_and_annotations() -> None:
    rules = alert_rules()
    assert rules
    for rule in rules:
        labels, annotations = rule.get("labels", {}), rule.get("annotations", {})
        assert labels.get("severity") in SEVERITIES, rule["alert"]
        assert labels.get("team") in TEAMS, rule["alert"]
        for key in ("summary", "description", "runbook_url"):
            assert annotations.get(key), (rule["alert"], key)


def test_every_team_has_an_alert() -> None:
    assert {rule["labels"]["team"] for rule in alert_rules()} == TEAMS


def test_runbook_urls_point_to_existing_anchors() -> None:
    anchors = github_anchors(RUNBOOK.read_text(encoding="utf-8"))
    for rule in alert_rules():
        url = rule["annotations"]["runbook_url"]
        path, _, anchor = url.partition("#")
        assert path == "docs/runbook.md", url
        assert anchor in anchors, f"{rule['alert']}: no heading for #{anchor} in docs/runbook.md"


def test_seed_alerts_keep_their_names_thresholds_and_severities() -> None:
    by_name = {rule["alert"]: rule for rule in alert_rules()}
    expected = {
        "AIQualityScoreLow": ("warning", "5m", "< 0.6"),
        "AIQualityScoreCritical": ("critical", "2m", "< 0.4"),
        "PromptInjectionDetected": ("critical", None, "> 5"),
        "JailbreakAttemptDetected": ("critical", None, "> 3"),
        "SemanticDriftHigh": ("warning", "5m", "> 0.7"),
        "ErrorBudgetBurnRateHigh": ("warning", None, "> 2"),
    }
    for name, (severity, duration, comparison) in expected.items():
        rule = by_name[name]
        assert rule["labels"]["severity"] == severity, name
        if duration is not None:
            assert rule["for"] == duration, name
        assert comparison in " ".join(rule["expr"].split()), name
    assert "ai_response_quality_score_sum" in by_name["AIQualityScoreLow"]["expr"]
    assert "ai_response_quality_score_count" in by_name["AIQualityScoreLow"]["expr"]


def _tested_alerts() -> dict[tuple[str, str], set[bool]]:
    """(alertname, severity) -> which outcomes the unit tests expect: True = some alert
    fires, False = none does (at some evaluation time)."""
    seen: dict[tuple[str, str], set[bool]] = {}
    for path in TEST_FILES:
        for test in _load(path)["tests"]:
            for case in test.get("alert_rule_test", []):
                name, expected = case["alertname"], case.get("exp_alerts") or []
                for alert in expected:
                    seen.setdefault((name, alert["exp_labels"]["severity"]), set()).add(True)
                if not expected:
                    for severity in SEVERITIES:
                        seen.setdefault((name, severity), set()).add(False)
    return seen


def test_every_alert_is_unit_tested_on_both_sides() -> None:
    seen = _tested_alerts()
    for rule in alert_rules():
        key = (rule["alert"], rule["labels"]["severity"])
        assert seen.get(key) == {True, False}, f"{key}: fires and stays quiet in some test"


def test_every_recording_rule_is_unit_tested() -> None:
    tested = " ".join(
        case["expr"]
        for path in TEST_FILES
        for test in _load(path)["tests"]
        for case in test.get("promql_expr_test", [])
    )
    for name in {rule["record"] for rule in recording_rules()}:
        assert re.search(rf"(?<![\w:]){re.escape(name)}(?![\w:])", tested), name


def test_slo_ratios_exist_for_every_slo_and_window() -> None:
    present = {(r["record"], r.get("labels", {}).get("slo")) for r in recording_rules()}
    for slo in SLOS:
        for window in WINDOWS:
            assert (f"slo:sli_error:ratio_rate{window}", slo) in present
    assert ("slo:error_budget:remaining", None) in present


def test_latency_slo_threshold_is_a_histogram_bucket_boundary() -> None:
    threshold_s = Settings().slo_latency_threshold_ms / 1000
    assert threshold_s == 1.0  # the rules count `le="1"`: keep the default in step
    assert threshold_s in BASE_LATENCY_BUCKETS
    assert threshold_s in latency_buckets(threshold_s)


def test_generated_slo_rules_are_up_to_date(tmp_path: Path) -> None:
    out = tmp_path / "slo-recording.yml"
    subprocess.run(
        [sys.executable, str(DEPLOY / "prometheus" / "generate_rules.py"), "--output", str(out)],
        check=True,
        capture_output=True,
    )
    committed = (RULES_DIR / "slo-recording.yml").read_bytes()
    assert out.read_bytes() == committed, "run deploy/prometheus/generate_rules.py"
