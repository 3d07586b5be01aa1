from __future__ import annotations

import random
import threading
import time

import pytest

from aimonitor.guardrails import RateLimiter


def test_hits_start_no_threads_on_the_request_path() -> None:
    limiter = RateLimiter(per_minute=1_000_000)
    try:
        limiter.hit("warm-up")
        before = {t.ident for t in threading.enumerate()}
        started = 0
        for i in range(2_000):
            limiter.hit(f"client-{i % 20}")
            started += len({t.ident for t in threading.enumerate()} - before)
        assert started == 0
    finally:
        limiter.close()


def test_close_stops_the_sweeper() -> None:
    limiter = RateLimiter()
    sweeper = limiter._storage._sweeper  # type: ignore[attr-defined]
    assert sweeper.is_alive()
    limiter.close()
    sweeper.join(timeout=5)
    assert not sweeper.is_alive()


def test_queued_windows_decide_as_the_stock_storage(monkeypatch: pytest.MonkeyPatch) -> None:
    from limits.storage import MemoryStorage
    from limits.strategies import MovingWindowRateLimiter

    from aimonitor.guardrails.ratelimit import _PerMinute, _SweptMemoryStorage

    clock = [1_000_000.0]
    monkeypatch.setattr(time, "time", lambda: clock[0])
    stock_storage, ours_storage = MemoryStorage(), _SweptMemoryStorage()
    stock, ours = MovingWindowRateLimiter(stock_storage), MovingWindowRateLimiter(ours_storage)
    item = _PerMinute(5, namespace="test")
    rng = random.Random(3)
    try:
        for _ in range(5_000):
            clock[0] += rng.choice([0.0, 0.5, 3.0, 11.0, 59.999, 60.0, 61.0])
            key = rng.choice(["a", "b", "c"])
            allowed = ours.hit(item, key)
            assert allowed == stock.hit(item, key)
            ours_stats, stock_stats = (
                ours.get_window_stats(item, key),
                stock.get_window_stats(item, key),
            )
            assert ours_stats.remaining == stock_stats.remaining
            if not allowed:  # the reset time is only read for refused requests (Retry-After)
                assert ours_stats.reset_time == stock_stats.reset_time
            if rng.random() < 0.01:
                ours_storage._expire_windows(clock[0])
    finally:
        ours_storage.stop()
        stock_storage.timer.cancel()


def test_a_window_costs_the_same_whatever_its_length() -> None:
    # A list prepend per request made each hit copy the window; a queue does not.
    from aimonitor.guardrails.ratelimit import _SweptMemoryStorage

    storage = _SweptMemoryStorage()
    try:
        for _ in range(50_000):
            assert storage.acquire_entry("client", 1_000_000, 60)
        window = storage._windows["client"]
        assert len(window) == 50_000
        assert window[0] <= window[-1]  # oldest first: appends at the right
    finally:
        storage.stop()
