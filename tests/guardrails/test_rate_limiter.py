from __future__ import annotations

import time

import pytest
from guardrail_redis import RedisServer
from limits.errors import ConfigurationError

from aimonitor.guardrails import RateLimiter


class FakeClock:
    """Drives `time.time` (used by `limits` and the limiter) by hand."""

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now


def test_memory_limit_allows_then_refuses() -> None:
    limiter = RateLimiter("memory://", per_minute=3)
    decisions = [limiter.hit("client-a") for _ in range(4)]
    assert [d.allowed for d in decisions] == [True, True, True, False]
    assert [d.remaining for d in decisions] == [2, 1, 0, 0]
    assert all(d.limit == 3 for d in decisions)
    assert decisions[0].retry_after_s == 0
    assert 1 <= decisions[3].retry_after_s <= 60
    assert not any(d.degraded for d in decisions)


def test_clients_have_separate_windows() -> None:
    limiter = RateLimiter("memory://", per_minute=1)
    assert limiter.hit("a").allowed
    assert not limiter.hit("a").allowed
    assert limiter.hit("b").allowed


def test_moving_window_refuses_a_burst_across_the_minute_boundary(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = FakeClock(start=1_700_000_000.0 - 10)  # 10 s before a minute boundary
    monkeypatch.setattr(time, "time", clock)
    limiter = RateLimiter("memory://", per_minute=3)
    assert all(limiter.hit("c").allowed for _ in range(3))
    clock.now += 15  # past the boundary: a fixed window would start afresh here
    refused = limiter.hit("c")
    assert not refused.allowed
    assert refused.retry_after_s == 45  # the oldest hit leaves the window 60 s after it
    clock.now += 46
    assert limiter.hit("c").allowed


def test_set_limit_applies_at_once_and_keeps_the_window() -> None:
    limiter = RateLimiter("memory://", per_minute=5)
    for _ in range(3):
        assert limiter.hit("d").allowed
    limiter.set_limit(3)
    lowered = limiter.hit("d")
    assert not lowered.allowed and lowered.limit == 3
    limiter.set_limit(10)
    raised = limiter.hit("d")
    assert raised.allowed and raised.limit == 10


@pytest.mark.parametrize("bad", [0, -1, 2.5, True])
def test_invalid_limits_are_refused(bad: object) -> None:
    with pytest.raises(ValueError, match="per_minute"):
        RateLimiter("memory://", per_minute=bad)  # type: ignore[arg-type]
    limiter = RateLimiter("memory://", per_minute=5)
    with pytest.raises(ValueError, match="per_minute"):
        limiter.set_limit(bad)  # type: ignore[arg-type]


def test_storage_uri_hides_the_password() -> None:
    limiter = RateLimiter("redis://:s3cret@127.0.0.1:1/0", per_minute=5)
    assert limiter.storage_uri == "redis://127.0.0.1:1/0"
    limiter.close()


def test_unreachable_redis_falls_back_to_a_local_limit() -> None:
    # Nothing listens on port 1: every call to the shared storage fails at once.
    limiter = RateLimiter("redis://127.0.0.1:1/0", per_minute=2, retry_interval_s=60)
    decisions = [limiter.hit("e") for _ in range(3)]
    assert [d.allowed for d in decisions] == [True, True, False]
    assert all(d.degraded for d in decisions)
    # Only the first failure hit the network; the others went straight to the fallback.
    assert limiter.storage_errors == 1
    assert limiter.degraded
    assert limiter.last_storage_error == "ConnectionError"
    limiter.close()


@pytest.mark.server
def test_redis_limit_is_enforced(redis_server: RedisServer) -> None:
    limiter = RateLimiter(redis_server.url, per_minute=3)
    decisions = [limiter.hit("client-r") for _ in range(4)]
    assert [d.allowed for d in decisions] == [True, True, True, False]
    assert [d.remaining for d in decisions] == [2, 1, 0, 0]
    assert 1 <= decisions[3].retry_after_s <= 60
    assert not any(d.degraded for d in decisions)
    assert limiter.storage_errors == 0
    limiter.close()


@pytest.mark.server
def test_redis_limit_is_shared_between_instances(redis_server: RedisServer) -> None:
    first = RateLimiter(redis_server.url, per_minute=3)
    second = RateLimiter(redis_server.url, per_minute=3)
    assert first.hit("shared").allowed
    assert first.hit("shared").allowed
    assert second.hit("shared").allowed
    refused = second.hit("shared")
    assert not refused.allowed and not refused.degraded
    first.close()
    second.close()


@pytest.mark.server
def test_redis_set_limit_keeps_the_window(redis_server: RedisServer) -> None:
    limiter = RateLimiter(redis_server.url, per_minute=5)
    for _ in range(3):
        assert limiter.hit("w").allowed
    limiter.set_limit(3)
    assert not limiter.hit("w").allowed
    limiter.close()


@pytest.mark.server
def test_redis_outage_mid_way_does_not_fail_requests(redis_server: RedisServer) -> None:
    limiter = RateLimiter(redis_server.url, per_minute=3, retry_interval_s=0)
    assert limiter.hit("o").allowed
    redis_server.stop()

    during = [limiter.hit("o") for _ in range(4)]
    assert all(d.degraded for d in during)
    # The local fallback still limits: 3 allowed, then refused.
    assert [d.allowed for d in during] == [True, True, True, False]
    assert limiter.storage_errors == 4  # retry interval 0: every hit tried Redis first

    redis_server.start()  # same port: the limiter reconnects by itself
    after = limiter.hit("o")
    assert not after.degraded
    # The restarted server kept nothing (no persistence): a fresh shared window.
    assert after.allowed and after.remaining == 2
    assert limiter.storage_errors == 4
    limiter.close()


def test_unknown_storage_scheme_is_refused_at_start() -> None:
    with pytest.raises(ConfigurationError, match="unknown storage scheme"):
        RateLimiter("nosuchdb://localhost", per_minute=5)
