"""Synthetic request history written straight into the requests table: a store that
looks lived-in (served, redacted, blocked, rate-limited and failed requests spread over
time) for the console's tests and its benchmark, without sending each request."""

from __future__ import annotations

import json
import sqlite3
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from aimonitor.store import open_store
from aimonitor.store.engine import make_engine
from aimonitor.store.slo_hours import SloThresholds, backfill

DECISIONS = ["served", "redacted", "blocked", "rate_limited", "error"]
DECISION_P = [0.90, 0.04, 0.03, 0.02, 0.01]
STATUS = {"served": 200, "redacted": 200, "blocked": 403, "rate_limited": 429, "error": 502}
TRIGGERS = {
    "redacted": [{"guardrail": "pii_protection", "action": "redact", "stage": "input",
                  "reason": "1 personal data finding(s) in the prompt (EMAIL×1): redacted"}],
    "blocked": [{"guardrail": "injection_protection", "action": "block", "stage": "input",
                 "reason": "prompt attack score 0.93 ≥ 0.50 (instruction_override), rules tier"}],
    "rate_limited": [{"guardrail": "rate_limiter", "action": "block", "stage": "input",
                      "reason": "more than 100 requests per minute"}],
}  # fmt: skip


ATTACK = json.dumps(
    {"families": ["instruction_override"], "rules": ["instruction_override.ignore.en"]}
)
STAGES = ("rate_limit", "length", "input_analysis", "input_guardrails", "model", "signals")


def write_history(
    db: Path, rows: int, days: float, seed: int = 7, streamed_share: float = 0.0
) -> None:
    """`rows` requests spread evenly over the last `days` days, the newest now (the
    database is created and migrated first if need be). A `streamed_share` of the
    served ones have a time to first token."""
    store = open_store(f"sqlite:///{db}", db.parent)  # creates and migrates the schema
    store.close()
    rng = np.random.default_rng(seed)
    end = datetime.now(UTC)
    start = end - timedelta(days=days)
    span = (end - start).total_seconds()
    offsets = np.sort(rng.uniform(0, span, rows))
    decisions = rng.choice(len(DECISIONS), size=rows, p=DECISION_P)
    latency = rng.lognormal(mean=5.0, sigma=0.6, size=rows)
    quality = np.clip(rng.normal(0.82, 0.08, rows), 0, 1)
    coherence = np.clip(rng.normal(0.88, 0.05, rows), 0, 1)
    trust = np.clip(rng.normal(0.9, 0.04, rows), 0, 1)
    hallucination = rng.beta(1, 5, rows)  # 3 % at or over 0.5
    streamed = rng.uniform(0, 1, rows) < streamed_share
    columns = (
        "request_id, created_at, client, user_id, conversation_id, scenario, model, backend, "
        "decision, status_code, guardrails, findings, risk_level, risk_domain, scores, "
        "score_attack, score_toxicity, score_quality, score_coherence, score_trust, "
        "score_compliance, score_drift, score_hallucination, latency_ms, tokens_input, "
        "tokens_output, tokens_estimated, cost_eur, prompt_text, response_text, error, "
        "trace_id, ttft_ms, stage_ms, finding_spans, attack"
    )
    insert = f"INSERT INTO requests ({columns}) VALUES ({', '.join('?' * 36)})"
    connection = sqlite3.connect(db)
    connection.execute("PRAGMA journal_mode=WAL")
    batch: list[tuple[Any, ...]] = []
    for i in range(rows):
        decision = DECISIONS[decisions[i]]
        served = decision in ("served", "redacted")
        created = start + timedelta(seconds=float(offsets[i]))
        q = float(quality[i]) if served else None
        scores = {"quality": q, "attack": 0.93 if decision == "blocked" else 0.02}
        batch.append((
            str(uuid.UUID(int=int(rng.integers(0, 2**63)) << 64 | i)),
            created.strftime("%Y-%m-%d %H:%M:%S.%f"),
            f"address:{i % 500:016x}",
            None,
            f"conv-{i // 4}" if i % 3 == 0 else None,
            "AB"[i % 2],
            "aimonitor-sim-1",
            "simulated",
            decision,
            STATUS[decision],
            json.dumps(TRIGGERS.get(decision, [])),
            json.dumps({"input": {"EMAIL": 1} if decision == "redacted" else {}, "output": {}}),
            "minimal",
            None,
            json.dumps(scores),
            scores["attack"], 0.01, q,
            float(coherence[i]) if served else None,
            float(trust[i]) if served else None,
            1.0, 0.1,
            float(hallucination[i]) if served else None,
            float(latency[i]),
            40 if served else 0,
            120 if served else 0,
            1,
            0.00012 if served else 0.0,
            f"How do I monitor model number {i}?" if served else None,
            "Track latency, errors and quality." if served else None,
            "upstream timeout" if decision == "error" else None,
            f"{i:032x}",
            float(latency[i]) / 4 if served and streamed[i] else None,
            json.dumps({s: round(float(latency[i]) / len(STAGES), 3) for s in STAGES}),
            json.dumps(
                [{"type": "EMAIL", "stage": "input", "start": 9, "end": 30}]
                if decision == "redacted" else []
            ),
            ATTACK if decision == "blocked" else None,
        ))  # fmt: skip
        if len(batch) == 20_000:
            connection.executemany(insert, batch)
            connection.commit()
            batch.clear()
    if batch:
        connection.executemany(insert, batch)
        connection.commit()
    connection.close()
    # The hourly SLI counts the store keeps as it writes (3-day and 30-day burn rates).
    engine = make_engine(f"sqlite:///{db}")
    with engine.begin() as conn:
        backfill(conn, SloThresholds())
    engine.dispose()
