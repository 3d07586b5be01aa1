from __future__ import annotations

import pytest
from rich.console import Console

from aimonitor.loadgen.client import LoadConfig, LoadResult, RequestRecord, is_blocked, scenario_for
from aimonitor.loadgen.report import OUTCOMES, percentile, render, summarize


@pytest.mark.parametrize(
    ("values", "q", "expected"),
    [
        ([1.0, 2.0, 3.0, 4.0], 50, 2.5),
        ([1.0, 2.0, 3.0, 4.0], 100, 4.0),
        ([1.0, 2.0, 3.0, 4.0], 0, 1.0),
        ([5.0], 99, 5.0),
        (list(range(101)), 95, 95.0),
        ([10.0, 0.0], 25, 2.5),
    ],
)
def test_percentile_interpolates_linearly(values: list[float], q: float, expected: float) -> None:
    assert percentile(values, q) == pytest.approx(expected)


def test_percentile_of_nothing_is_none() -> None:
    assert percentile([], 50) is None


@pytest.mark.parametrize(
    ("status", "body", "blocked"),
    [
        (403, {"blocked": True}, True),
        (403, {"detail": {"blocked": True, "guardrail": "pii_protection"}}, True),
        (403, {"detail": "wrong admin key"}, False),
        (403, None, False),
        (200, {"blocked": True}, False),
    ],
)
def test_is_blocked(status: int, body: object, blocked: bool) -> None:
    assert is_blocked(status, body) is blocked


def test_mix_cycles_scenarios() -> None:
    config = LoadConfig(scenario="mix")
    assert [scenario_for(config, i) for i in range(5)] == ["A", "B", "C", "A", "B"]
    assert scenario_for(LoadConfig(scenario="C"), 4) == "C"


def test_summary_counts_each_outcome() -> None:
    records = [
        RequestRecord(0, "A", "benign", 200, 0.010),
        RequestRecord(1, "A", "pii", 403, 0.020, blocked=True),
        RequestRecord(2, "B", "benign", 429, 0.030),
        RequestRecord(3, "B", "attack", 502, 0.040),
        RequestRecord(4, "C", "benign", None, 1.0, error="timeout"),
        RequestRecord(5, "C", "follow_up", 200, 0.050, follow_up=True),
    ]
    summary = summarize(LoadResult(records=records, duration_s=2.0, planned=10))

    assert (summary.planned, summary.sent, summary.answered) == (10, 6, 5)
    assert summary.status_codes == {"200": 2, "403": 1, "429": 1, "502": 1}
    assert (summary.ok, summary.blocked, summary.rate_limited) == (2, 1, 1)
    assert (summary.server_errors, summary.errors) == (1, 2)
    assert summary.transport_errors == {"timeout": 1}
    assert summary.throughput_rps == 2.5
    assert summary.latency_ms["p50"] == 30.0  # the timed-out request is not a latency
    assert summary.latency_ms["max"] == 50.0
    assert summary.follow_ups == 1
    assert summary.by_scenario["C"] == {
        "blocked": 0,
        "errors": 1,
        "ok": 1,
        "other": 0,
        "rate_limited": 0,
        "sent": 2,
    }
    assert summary.by_category["pii"]["blocked"] == 1
    assert summary.to_dict()["status_codes"] == summary.status_codes


def test_each_category_row_accounts_for_every_request() -> None:
    records = [
        RequestRecord(0, "A", "benign", 200, 0.01),
        RequestRecord(1, "A", "benign", 429, 0.01),
        RequestRecord(2, "A", "benign", 429, 0.01),
        RequestRecord(3, "A", "benign", 413, 0.01),
        RequestRecord(4, "A", "benign", 403, 0.01, blocked=True),
        RequestRecord(5, "A", "benign", 503, 0.01),
    ]
    summary = summarize(LoadResult(records=records, duration_s=1.0, planned=6))
    row = summary.by_category["benign"]
    assert (row["rate_limited"], row["other"], row["blocked"], row["ok"], row["errors"]) == (
        2,
        1,
        1,
        1,
        1,
    )
    assert sum(row[k] for k in OUTCOMES) == row["sent"] == 6
    console = Console(record=True, width=160)
    render(summary, console)
    table = console.export_text()
    assert "rate-limited (429)" in table.split("by prompt category")[1]


def test_config_refuses_nonsense() -> None:
    for bad in (
        {"scenario": "D"},
        {"requests": 0},
        {"concurrency": 0},
        {"timeout_s": 0},
        {"user_id_pool": -1},
        {"follow_up_rate": 2},
    ):
        with pytest.raises(ValueError):
            LoadConfig(**bad)  # type: ignore[arg-type]
