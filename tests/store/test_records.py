"""Records cross the journal as JSON: every field comes back, and lines written by an
earlier version (without the fields added since) still read."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from aimonitor.store.records import RequestRecord, event_from_json, event_to_json

MakeRequest = Callable[..., RequestRecord]


def test_a_request_with_its_detail_round_trips_through_json(make_request: MakeRequest) -> None:
    record = make_request(
        trace_id="4bf92f3577b34da6a3ce929d0e0e4736",
        ttft_ms=41.5,
        stage_ms={"input_analysis": 3.5, "model": 120.25},
        finding_spans=[{"type": "PHONE", "stage": "output", "start": 0, "end": 14}],
        attack={"families": ["prompt_injection"], "rules": ["prompt_injection.ignore.en"]},
    )
    line = json.dumps(event_to_json(record))
    assert event_from_json(json.loads(line)) == record


def test_a_journal_line_of_an_earlier_version_reads_with_empty_detail(
    make_request: MakeRequest,
) -> None:
    data = event_to_json(make_request())
    for name in ("trace_id", "ttft_ms", "stage_ms", "finding_spans", "attack"):
        del data[name]
    record = event_from_json(json.loads(json.dumps(data)))
    assert isinstance(record, RequestRecord)
    assert (record.trace_id, record.ttft_ms, record.stage_ms) == (None, None, {})
    assert (record.finding_spans, record.attack) == ([], {})


def test_an_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown event kind"):
        event_from_json({"kind": "nope", "created_at": "2026-01-01T00:00:00+00:00"})
