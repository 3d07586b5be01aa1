"""The spill file on its own: append, read in order, commit, truncate."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from aimonitor.store import ConfigChangeRecord, FeedbackRecord, RequestRecord
from aimonitor.store.records import event_from_json, event_to_json
from aimonitor.store.spill import SpillFile

MakeRequest = Callable[..., RequestRecord]


def test_every_event_kind_round_trips_through_json(make_request: MakeRequest) -> None:
    events = [
        make_request(findings={"input": {"EMAIL": 1}}, scores={"drift": None}),
        FeedbackRecord(request_id="r", rating=3, comment="bof", created_at=datetime.now(UTC)),
        ConfigChangeRecord(event_id="e", created_at=datetime.now(UTC), actor="a",
                           guardrail="rate_limiter", before={"x": 1}, after={"x": 2}),
    ]  # fmt: skip
    assert [event_from_json(event_to_json(e)) for e in events] == events


def test_append_read_commit_truncate(tmp_path: Path, make_request: MakeRequest) -> None:
    spill = SpillFile(tmp_path)
    records = [make_request() for _ in range(5)]
    spill.append(records[:3])
    spill.append(records[3:])
    assert spill.pending == 5

    first, offset = spill.read(2)
    assert first == records[:2]
    spill.commit(offset, 2)
    assert spill.pending == 3
    rest, offset = spill.read(10)
    assert rest == records[2:]
    spill.commit(offset, 3)
    assert spill.pending == 0
    assert spill.path.read_bytes() == b""


def test_pending_lines_survive_a_restart(tmp_path: Path, make_request: MakeRequest) -> None:
    records = [make_request() for _ in range(4)]
    SpillFile(tmp_path).append(records)
    reopened = SpillFile(tmp_path)
    assert reopened.pending == 4
    assert reopened.read(10)[0] == records
