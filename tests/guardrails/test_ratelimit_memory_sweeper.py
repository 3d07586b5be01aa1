from __future__ import annotations

import threading

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
