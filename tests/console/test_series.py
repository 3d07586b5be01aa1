"""Per-minute aggregates computed by the database match a plain count of the rows, on
SQLite and PostgreSQL; closed minutes are read once."""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from aimonitor.console.series import MinuteSeries, minute_of
from aimonitor.store import RequestRecord
from aimonitor.store.slo_hours import SloThresholds

THRESHOLDS = SloThresholds(latency_ms=1000.0, quality=0.8)
STATUS = {"served": 200, "redacted": 200, "blocked": 403, "rate_limited": 429, "error": 502}
TRIGGER = {
    "redacted": {"guardrail": "pii_protection", "action": "redact", "stage": "input",
                 "reason": "1 personal data finding(s) in the prompt (EMAIL×1): redacted"},
    "blocked": {"guardrail": "injection_protection", "action": "block", "stage": "input",
                "reason": "prompt attack score 0.91 ≥ 0.50, rules tier"},
    "rate_limited": {"guardrail": "rate_limiter", "action": "block", "stage": "input",
                     "reason": "over the limit"},
}  # fmt: skip


ATTACK = {"families": ["jailbreak", "role_manipulation"], "rules": ["jailbreak.dan.en"]}


def _history(make_request: Callable[..., RequestRecord], now: datetime) -> list[RequestRecord]:
    rng = random.Random(11)
    records = []
    for i in range(400):
        decision = rng.choice(["served"] * 6 + ["redacted", "blocked", "rate_limited", "error"])
        served = decision in ("served", "redacted")
        quality = rng.uniform(0.5, 1.0) if served else None
        records.append(
            make_request(
                created_at=now - timedelta(seconds=rng.uniform(15, 55 * 60)),
                decision=decision,
                status_code=STATUS[decision],
                client=f"client-{i % 4}",
                latency_ms=rng.uniform(5, 2000),
                tokens_input=rng.randint(0, 50),
                tokens_output=rng.randint(0, 80),
                cost_eur=rng.uniform(0, 0.001),
                scores={
                    "quality": quality,
                    "coherence": quality,
                    "trust": rng.uniform(0, 1),
                    "hallucination": rng.uniform(0, 1) if served else None,
                },
                guardrails=[TRIGGER[decision]] if decision in TRIGGER else [],
                findings={"input": {"EMAIL": 1} if decision == "redacted" else {}, "output": {}},
                attack=ATTACK if decision == "blocked" else {},
                ttft_ms=rng.uniform(1, 400) if served and i % 3 == 0 else None,
            )
        )
    return records


def _reference(records: list[RequestRecord]) -> dict[int, dict[str, Any]]:
    """The same aggregates, counted plainly in Python."""
    out: dict[int, dict[str, Any]] = {}
    for r in records:
        m = out.setdefault(
            minute_of(r.created_at),
            {
                "requests": 0,
                "errors": 0,
                "blocked": 0,
                "limited": Counter(),
                "latencies": [],
                "tokens": 0,
                "slow": 0,
                "answered": 0,
                "triggers": Counter(),
                "pii": Counter(),
                "families": Counter(),
                "rules": Counter(),
                "ttfts": [],
            },
        )
        m["requests"] += 1
        m["errors"] += r.status_code >= 500
        m["blocked"] += r.decision == "blocked"
        m["tokens"] += r.tokens_input + r.tokens_output
        if r.decision == "rate_limited":
            m["limited"][r.client] += 1
        if r.decision in ("served", "redacted"):
            m["latencies"].append(r.latency_ms)
        if r.status_code == 200:
            m["answered"] += 1
            m["slow"] += r.latency_ms > THRESHOLDS.latency_ms
        for t in r.guardrails:
            m["triggers"][(t["guardrail"], t["action"])] += 1
            if t["guardrail"] == "injection_protection":
                m["families"].update(r.attack["families"])
                m["rules"].update(r.attack["rules"])
        if r.ttft_ms is not None:
            m["ttfts"].append(r.ttft_ms)
        for kinds in r.findings.values():
            m["pii"].update(kinds)
    return out


def _nearest_rank(values: list[float], p: int) -> float | None:
    values = sorted(values)
    return values[max(0, math.ceil(p / 100 * len(values)) - 1)] if values else None


def test_minutes_match_a_plain_count_of_the_rows(
    sql_store: Any, make_request: Callable[..., RequestRecord]
) -> None:
    now = datetime.now(UTC).replace(second=30)
    records = _history(make_request, now)
    sql_store.write_batch(records)
    minutes = MinuteSeries(sql_store.engine, THRESHOLDS).minutes(60, now=now)
    assert len(minutes) == 60 and minutes[-1].start == minute_of(now)
    reference = _reference(records)
    assert {m.start for m in minutes if m.requests} == set(reference)
    for minute in minutes:
        expected = reference.get(minute.start)
        if expected is None:
            assert minute.requests == 0 and minute.latency_p50 is None
            continue
        assert minute.requests == expected["requests"]
        assert minute.errors == expected["errors"]
        assert minute.blocked == expected["blocked"]
        assert minute.tokens == expected["tokens"]
        assert minute.limited_clients == expected["limited"]
        assert minute.triggers == expected["triggers"]
        assert minute.personal_data == expected["pii"]
        assert minute.attack_families == expected["families"]
        assert minute.attack_rules == expected["rules"]
        assert (minute.latency.total, minute.latency.bad) == (
            expected["answered"],
            expected["slow"],
        )
        for p in (50, 95, 99):
            wanted = _nearest_rank(expected["latencies"], p)
            got = getattr(minute, f"latency_p{p}")
            assert got == (None if wanted is None else pytest.approx(wanted)), p
        for p in (50, 95):
            wanted = _nearest_rank(expected["ttfts"], p)
            got = getattr(minute, f"ttft_p{p}")
            assert got == (None if wanted is None else pytest.approx(wanted)), p


def test_a_closed_minute_is_read_once(
    sql_store: Any, make_request: Callable[..., RequestRecord]
) -> None:
    now = datetime.now(UTC).replace(second=30, microsecond=0)
    series = MinuteSeries(sql_store.engine, THRESHOLDS)
    closed = now - timedelta(minutes=5)
    sql_store.write_batch([make_request(created_at=closed), make_request(created_at=now)])
    first = {m.start: m.requests for m in series.minutes(10, now=now)}
    assert first[minute_of(closed)] == 1 and first[minute_of(now)] == 1
    # A late record in a closed minute is not read again; the open minute is.
    sql_store.write_batch([make_request(created_at=closed), make_request(created_at=now)])
    again = {m.start: m.requests for m in series.minutes(10, now=now)}
    assert again[minute_of(closed)] == 1 and again[minute_of(now)] == 2
    # A wider window reads only the minutes it did not have.
    day = series.minutes(24 * 60, now=now)
    assert len(day) == 24 * 60 and sum(m.requests for m in day) == 3
