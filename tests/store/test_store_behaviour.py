"""The store contract, run against SQLite in memory, a SQLite file and PostgreSQL."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from aimonitor.store import ConfigChangeRecord, FeedbackRecord, RequestRecord, Store
from aimonitor.store.records import now_utc

MakeRequest = Callable[..., RequestRecord]


def _audit(store: Store) -> list[dict[str, Any]]:
    return list(store.export_audit(None))


def test_health_is_true_on_a_working_store(store: Store) -> None:
    assert store.health() is True


def test_request_round_trips_every_field(store: Store, make_request: MakeRequest) -> None:
    record = make_request(
        user="user-hash",
        conversation_id="conv-1",
        decision="redacted",
        guardrails=[{"guardrail": "pii_protection", "action": "redact", "stage": "input",
                     "reason": "EMAIL found"}],
        findings={"input": {"EMAIL": 2}, "output": {}},
        risk_level="high",
        risk_domain="employment",
        scores={"attack": 0.05, "quality": 0.8, "drift": None},
        tokens_estimated=True,
        prompt_text="mail [EMAIL_1]",
        response_text="ok",
        error=None,
        trace_id="4bf92f3577b34da6a3ce929d0e0e4736",
        ttft_ms=41.5,
        stage_ms={"rate_limit": 0.02, "input_analysis": 3.5, "model": 120.25},
        finding_spans=[{"type": "EMAIL", "stage": "input", "start": 5, "end": 22},
                       {"type": "EMAIL", "stage": "input", "start": 30, "end": 41}],
        attack={"families": ["jailbreak"], "rules": ["jailbreak.dan.en"]},
    )  # fmt: skip
    store.write_batch([record])
    assert store.get_request(record.request_id) == record
    assert store.get_request("no-such-id") is None


def test_writing_the_same_events_twice_stores_them_once(
    store: Store, make_request: MakeRequest
) -> None:
    request = make_request()
    feedback = FeedbackRecord(
        request_id=request.request_id, rating=5, created_at=request.created_at
    )
    store.write_batch([request, feedback])
    store.write_batch([request, feedback, request])
    assert store.stats()["total_requests"] == 1
    assert store.stats()["feedback"]["count"] == 1
    assert [e["event_type"] for e in _audit(store)] == ["request", "feedback"]
    assert store.verify_chain().ok


def test_conversation_turns_come_back_in_time_order(
    store: Store, make_request: MakeRequest
) -> None:
    first = make_request(conversation_id="c", prompt_text="one")
    second = make_request(conversation_id="c", prompt_text="two")
    make_request(conversation_id="other")
    store.write_batch([second, first, make_request(conversation_id="other")])
    turns = store.conversation("c")
    assert [(t.turn_index, t.prompt_text) for t in turns] == [(0, "one"), (1, "two")]
    assert turns[0].request_id == first.request_id
    assert turns[0].scenario == "A" and turns[0].decision == "served"
    assert store.conversation("unknown") == []


def test_erasure_removes_texts_everywhere_and_keeps_the_chain(
    store: Store, make_request: MakeRequest
) -> None:
    kept = make_request(conversation_id="keep", prompt_text="stays")
    turns = [make_request(conversation_id="erase-me", prompt_text=f"secret {i}") for i in range(3)]
    feedback = FeedbackRecord(
        request_id=turns[0].request_id, rating=2, comment="my phone is [PHONE_1]",
        created_at=turns[0].created_at,
    )  # fmt: skip
    store.write_batch([kept, *turns, feedback])

    assert store.erase_conversation("erase-me", actor="admin-hash") == 3

    assert all(t.prompt_text is None and t.response_text is None
               for t in store.conversation("erase-me"))  # fmt: skip
    assert len(store.conversation("erase-me")) == 3
    assert store.conversation("keep")[0].prompt_text == "stays"
    for turn in turns:
        record = store.get_request(turn.request_id)
        assert record is not None and record.prompt_text is None and record.response_text is None
    audit = _audit(store)
    erased = [e for e in audit if e["request_id"] in {t.request_id for t in turns}]
    assert len(erased) == 4  # three requests and the feedback
    for entry in erased:
        assert entry["texts"] == {"prompt": None, "response": None, "comment": None}
        assert any(entry["digests"].values())  # digests stay
    assert audit[0]["texts"]["prompt"] == "stays"
    erasure = audit[-1]
    assert erasure["event_type"] == "erasure"
    assert erasure["metadata"]["actor"] == "admin-hash"
    assert erasure["metadata"]["request_ids"] == [t.request_id for t in turns]
    assert "secret" not in repr(audit)
    assert store.verify_chain().ok


def test_erasing_an_unknown_conversation_returns_zero_and_writes_nothing(store: Store) -> None:
    assert store.erase_conversation("nobody", actor="admin") == 0
    assert _audit(store) == []


def test_retention_purges_old_content_only(store: Store, make_request: MakeRequest) -> None:
    old = make_request(prompt_text="old text")
    new = make_request(prompt_text="new text")
    store.write_batch([old, new])
    cutoff = new.created_at - timedelta(microseconds=1)

    assert store.purge_content_before(cutoff) == 1

    old_back, new_back = store.get_request(old.request_id), store.get_request(new.request_id)
    assert old_back is not None and old_back.prompt_text is None
    assert new_back is not None and new_back.prompt_text == "new text"
    audit = _audit(store)
    assert audit[0]["texts"]["prompt"] is None and audit[1]["texts"]["prompt"] == "new text"
    assert audit[-1]["event_type"] == "retention_purge"
    assert audit[-1]["metadata"]["requests"] == 1
    assert store.verify_chain().ok
    # Nothing left to purge: no new audit event.
    assert store.purge_content_before(cutoff) == 0
    assert len(_audit(store)) == len(audit)


def test_feedback_updates_the_request_whichever_arrives_first(
    store: Store, make_request: MakeRequest
) -> None:
    request = make_request()
    early = FeedbackRecord(request_id=request.request_id, rating=1, category="quality",
                           created_at=request.created_at)  # fmt: skip
    late = FeedbackRecord(request_id=request.request_id, rating=4, category="hallucination",
                          created_at=request.created_at)  # fmt: skip
    store.write_batch([early])
    store.write_batch([request])
    store.write_batch([late])
    stats = store.stats()
    assert stats["feedback"] == {"count": 2, "mean_rating": 2.5}
    assert [e["event_type"] for e in _audit(store)] == ["feedback", "request", "feedback"]


def test_stats_are_computed_from_the_stored_rows(store: Store, make_request: MakeRequest) -> None:
    records = [
        make_request(latency_ms=float(ms), scenario="A" if ms <= 50 else "B",
                     scores={"quality": ms / 100, "hallucination": 0.9 if ms > 80 else 0.0})
        for ms in range(1, 101)
    ]  # fmt: skip
    records.append(make_request(decision="blocked", status_code=403, latency_ms=0.5, scores={}))
    records.append(
        make_request(decision="rate_limited", status_code=429, latency_ms=0.2, scores={})
    )
    records.append(make_request(decision="error", status_code=502, latency_ms=1000.0, scores={}))
    store.write_batch(records)
    first = records[0]
    store.write_batch(
        [FeedbackRecord(request_id=first.request_id, rating=r, created_at=first.created_at)
         for r in (3, 4)]
    )  # fmt: skip

    stats = store.stats()

    assert stats["total_requests"] == 103
    assert stats["by_scenario"] == {"A": 53, "B": 50}
    assert stats["by_status"] == {"200": 100, "403": 1, "429": 1, "502": 1}
    assert stats["by_scenario_status"]["B"] == {"200": 50}
    assert stats["errors"] == 1 and stats["blocked"] == 1 and stats["rate_limited"] == 1
    # Nearest rank over 103 sorted latencies: 0.2, 0.5, 1..100, 1000.
    assert stats["latency_ms"]["p50"] == 50.0
    assert stats["latency_ms"]["p95"] == 96.0
    assert stats["latency_ms"]["p99"] == 100.0
    assert stats["tokens"] == {"input": 5 * 103, "output": 7 * 103}
    assert stats["cost_eur"] == round(0.0001 * 103, 6)
    assert stats["scores"]["quality"] == round(sum(range(1, 101)) / 100 / 100, 4)
    assert stats["scores"]["trust"] is None
    assert stats["hallucination_rate"] == 0.2
    assert stats["feedback"] == {"count": 2, "mean_rating": 3.5}


def test_stats_of_an_empty_store(store: Store) -> None:
    stats = store.stats()
    assert stats["total_requests"] == 0
    assert stats["latency_ms"]["p99"] is None
    assert stats["feedback"]["count"] == 0


def test_guardrail_configs_are_saved_and_replaced(store: Store) -> None:
    assert store.load_guardrail_configs() == {}
    store.save_guardrail_config("pii_protection", {"enabled": True, "threshold": 0.5})
    store.save_guardrail_config("pii_protection", {"enabled": False, "threshold": 0.7})
    store.save_guardrail_config("rate_limiter", {"enabled": True, "threshold": 100})
    assert store.load_guardrail_configs() == {
        "pii_protection": {"enabled": False, "threshold": 0.7},
        "rate_limiter": {"enabled": True, "threshold": 100},
    }


def test_config_changes_are_audited(store: Store, make_request: MakeRequest) -> None:
    change = ConfigChangeRecord(
        event_id="11111111-1111-4111-8111-111111111111",
        created_at=make_request().created_at,
        actor="admin-hash",
        guardrail="toxicity_filter",
        before={"threshold": 0.5},
        after={"threshold": 0.8},
    )
    store.write_batch([change])
    (entry,) = _audit(store)
    assert entry["event_type"] == "config_change" and entry["severity"] == "warning"
    assert entry["metadata"]["before"] == {"threshold": 0.5}
    assert entry["metadata"]["after"] == {"threshold": 0.8}


def test_export_since_filters_by_time(store: Store, make_request: MakeRequest) -> None:
    records = [make_request() for _ in range(5)]
    store.write_batch(records)
    exported = list(store.export_audit(records[2].created_at))
    assert [e["event_id"] for e in exported] == [r.request_id for r in records[2:]]
    assert exported[0]["seq"] == 3


def test_severity_follows_decision_and_risk(store: Store, make_request: MakeRequest) -> None:
    store.write_batch([
        make_request(),
        make_request(decision="blocked", status_code=403),
        make_request(risk_level="unacceptable", decision="blocked", status_code=403),
    ])  # fmt: skip
    assert [e["severity"] for e in _audit(store)] == ["info", "warning", "critical"]


def test_records_still_on_their_way_at_erasure_lose_their_texts(
    store: Store, make_request: MakeRequest
) -> None:
    """A turn queued (or spilled) before the erasure reaches the store after it."""
    written = make_request(conversation_id="gdpr", prompt_text="written before")
    store.write_batch([written])
    late = make_request(conversation_id="gdpr", prompt_text="was in the queue",
                        created_at=written.created_at)  # fmt: skip
    late_feedback = FeedbackRecord(request_id=written.request_id, rating=1, comment="queued too",
                                   created_at=written.created_at)  # fmt: skip
    assert store.erase_conversation("gdpr", actor="dpo") == 1

    store.write_batch([late, late_feedback])
    after = make_request(conversation_id="gdpr", prompt_text="a new turn",
                         created_at=now_utc() + timedelta(seconds=1))  # fmt: skip
    store.write_batch([after])

    assert [t.prompt_text for t in store.conversation("gdpr")] == [None, None, "a new turn"]
    audit = _audit(store)
    assert "was in the queue" not in repr(audit) and "queued too" not in repr(audit)
    assert store.verify_chain().ok


def test_stats_percentiles_stay_within_one_percent_of_the_exact_rank(
    store: Store, make_request: MakeRequest
) -> None:
    latencies = [round(0.05 * i**1.5, 3) for i in range(1, 2001)]
    store.write_batch([make_request(latency_ms=ms) for ms in latencies])
    store.write_batch([make_request(latency_ms=ms) for ms in latencies[:10]])  # new ids
    ordered = sorted(latencies + latencies[:10])
    stats = store.stats()["latency_ms"]
    for p in (50, 95, 99):
        exact = ordered[math.ceil(p / 100 * len(ordered)) - 1]
        assert stats[f"p{p}"] == pytest.approx(exact, rel=0.01)
    assert stats["mean"] == round(sum(ordered) / len(ordered), 3)


def test_stats_count_each_event_once_however_often_it_is_written(
    store: Store, make_request: MakeRequest
) -> None:
    records = [make_request(latency_ms=float(n)) for n in range(1, 11)]
    store.write_batch(records)
    before = store.stats()
    store.write_batch(records[:5])
    store.write_batch([*records, make_request(latency_ms=100.0)])
    after = store.stats()
    assert after["total_requests"] == before["total_requests"] + 1 == 11
    assert after["tokens"]["input"] == before["tokens"]["input"] + 5
    assert after["latency_ms"]["p99"] == 100.0
