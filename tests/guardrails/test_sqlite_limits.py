"""The SQLite file storage that worker processes of one host share for limits and budgets."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from aimonitor.guardrails import RateLimiter
from aimonitor.guardrails.sqlite_limits import SCHEME


def _uri(tmp_path: Path) -> str:
    return f"{SCHEME}://{tmp_path / 'limits.db'}"


def test_two_limiters_on_one_file_share_one_window(tmp_path: Path) -> None:
    first = RateLimiter(storage_uri=_uri(tmp_path), per_minute=5)
    second = RateLimiter(storage_uri=_uri(tmp_path), per_minute=5)
    try:
        allowed = [(first if i % 2 else second).hit("address:abc").allowed for i in range(8)]
        assert allowed == [True] * 5 + [False] * 3
        refused = first.hit("address:abc")
        assert not refused.allowed and refused.retry_after_s >= 1 and not refused.degraded
        assert second.hit("address:other").allowed
    finally:
        first.close()
        second.close()


def test_spending_adds_up_across_limiters_per_day(tmp_path: Path) -> None:
    first = RateLimiter(storage_uri=_uri(tmp_path))
    second = RateLimiter(storage_uri=_uri(tmp_path))
    today = datetime(2026, 12, 7, 10, tzinfo=UTC)
    tomorrow = datetime(2026, 12, 8, 0, 1, tzinfo=UTC)
    try:
        assert first.spend("all", 0.25, today) == 0.25
        assert second.spend("all", 0.5, today) == 0.75
        assert first.spend("key:billing-bot", 0.1, today) == 0.1
        assert second.spend("all", 0.01, tomorrow) == 0.01
    finally:
        first.close()
        second.close()


def test_in_memory_spending_is_kept_per_process(tmp_path: Path) -> None:
    limiter = RateLimiter()
    try:
        now = datetime(2026, 12, 7, tzinfo=UTC)
        assert limiter.spend("all", 1.5, now) == 1.5
        assert limiter.spend("all", 1.0, now) == 2.5
    finally:
        limiter.close()
