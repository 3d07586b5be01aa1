"""Per-client rate limiting on the `limits` library, in memory or in Redis.

Strategy: **moving window**. "At most N requests in any 60 seconds" holds exactly,
so a client cannot send 2N requests across a minute boundary as a fixed window
allows, and the time to retry is exact (when the oldest request in the window
expires). Its cost, one timestamp per request kept for a minute (N entries per
active client; 100 by default), is small.

Storage failure (Redis down or slow): the request is **not** failed and the limit
is **not** dropped. The limiter falls back to an in-process moving window with the
same limit (so each instance still enforces N per client, a degraded but real
limit), counts the failure in `storage_errors`, and tries the shared storage
again after `retry_interval_s`. A Redis outage therefore can neither take the
service down (fail-closed) nor open it to unlimited traffic (plain fail-open).
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime

from limits import RateLimitItemPerMinute
from limits.errors import StorageError
from limits.storage import MemoryStorage, Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

from aimonitor.guardrails import sqlite_limits  # noqa: F401  (registers its URI scheme)

# Connection and command timeouts for Redis: a limiter that waits longer than this
# adds more latency than the fallback costs.
REDIS_TIMEOUT_S = 0.25
DEFAULT_RETRY_INTERVAL_S = 5.0
_NAMESPACE = "aimonitor"
_WINDOW_S = 60  # every limit is per minute
_SPEND_EXPIRY_S = 2 * 86_400  # a day's spending, kept past the day's end


class _PerMinute(RateLimitItemPerMinute):
    """A per-minute item whose storage key leaves out the amount, so that changing
    the limit keeps each client's window instead of starting a fresh one."""

    def key_for(self, *identifiers: bytes | str | int | float) -> str:
        parts = [str(part) for part in identifiers]
        return "/".join([self.namespace, *parts, "minute"])


@dataclass(frozen=True, slots=True)
class RateLimitDecision:
    allowed: bool
    retry_after_s: int  # 0 when allowed; otherwise whole seconds, at least 1
    remaining: int
    limit: int
    degraded: bool = False  # decided by the local fallback, the shared storage failing


class _SweptMemoryStorage(MemoryStorage):
    """`limits`' memory storage, with expired windows swept by one long-lived
    thread once a second, and moving windows kept as queues.

    The stock storage starts a new 10 ms `Timer` thread from inside `hit` whenever the
    previous one has finished: under load that is a thread start on the request path
    every few requests (about a millisecond each). And it keeps a window as a list,
    newest first, inserting each request at the front: a copy of the whole window per
    request, which grows with the limit (a client allowed 100,000 a minute moved up to
    800 kB a request). Here a window is a deque of request times, oldest first: a
    request appends, expired times leave from the left; the decisions are the stock
    storage's (allowed while fewer than `limit` requests are within `expiry`)."""

    SWEEP_INTERVAL_S = 1.0

    def __init__(self) -> None:
        super().__init__()
        self._windows: dict[str, deque[float]] = {}
        self._windows_lock = threading.Lock()
        self._sweep_stop = threading.Event()
        self._sweeper = threading.Thread(
            target=self._sweep_loop, name="aimonitor-ratelimit-sweep", daemon=True
        )
        self._sweeper.start()

    def _MemoryStorage__schedule_expiry(self) -> None:  # overrides the private hook
        return None

    def _sweep_loop(self) -> None:
        while not self._sweep_stop.wait(self.SWEEP_INTERVAL_S):
            self._MemoryStorage__expire_events()  # type: ignore[attr-defined]
            self._expire_windows(time.time())

    @staticmethod
    def _expire(window: deque[float], oldest_kept: float) -> None:
        while window and window[0] < oldest_kept:
            window.popleft()

    def _expire_windows(self, now: float) -> None:
        # Every window has the same length (a minute): expire against the longest kept.
        with self._windows_lock:
            for key in list(self._windows):
                window = self._windows[key]
                self._expire(window, now - _WINDOW_S)
                if not window:
                    del self._windows[key]

    def acquire_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        if amount > limit:
            return False
        now = time.time()
        with self._windows_lock:
            window = self._windows.get(key)
            if window is None:
                window = self._windows[key] = deque()
            self._expire(window, now - expiry)
            if len(window) + amount > limit:
                return False
            window.extend([now] * amount)
            return True

    def get_moving_window(self, key: str, limit: int, expiry: int) -> tuple[float, int]:
        """(time of the oldest request in the window, requests in the window). As in the
        stock storage, a request exactly `expiry` old still blocks a hit but no longer
        counts here."""
        now = time.time()
        oldest_counted = now - expiry
        with self._windows_lock:
            window = self._windows.get(key)
            if not window:
                return now, 0
            self._expire(window, oldest_counted)
            first = 0
            while first < len(window) and window[first] <= oldest_counted:
                first += 1
            if first == len(window):
                return now, 0
            return window[first], len(window) - first

    def clear(self, key: str) -> None:
        super().clear(key)
        with self._windows_lock:
            self._windows.pop(key, None)

    def reset(self) -> int | None:
        cleared = super().reset()
        with self._windows_lock:
            windows = len(self._windows)
            self._windows.clear()
        return max(cleared or 0, windows)

    def stop(self) -> None:
        self._sweep_stop.set()


def _is_memory(uri: str) -> bool:
    return uri.startswith("memory://")


class RateLimiter:
    """Moving-window limit of `per_minute` requests per client key."""

    def __init__(
        self,
        storage_uri: str = "memory://",
        per_minute: int = 100,
        retry_interval_s: float = DEFAULT_RETRY_INTERVAL_S,
    ) -> None:
        self._check_limit(per_minute)
        self._uri = storage_uri
        self._item = _PerMinute(per_minute, namespace=_NAMESPACE)
        self._retry_interval_s = retry_interval_s
        self._lock = threading.Lock()
        self._storage_errors = 0
        self._storage_down_until = 0.0
        self.last_storage_error: str | None = None
        self._storage: Storage = self._open(storage_uri)
        self._strategy = MovingWindowRateLimiter(self._storage)
        # The local fallback is created up front: a failure must not allocate.
        self._fallback = MovingWindowRateLimiter(
            self._storage if isinstance(self._storage, MemoryStorage) else _SweptMemoryStorage()
        )

    @staticmethod
    def _open(uri: str) -> Storage:
        if _is_memory(uri):
            return _SweptMemoryStorage()
        if uri.startswith(("redis://", "rediss://", "redis+unix://")):
            storage = storage_from_string(
                uri,
                wrap_exceptions=True,
                socket_timeout=REDIS_TIMEOUT_S,
                socket_connect_timeout=REDIS_TIMEOUT_S,
            )
        else:
            storage = storage_from_string(uri, wrap_exceptions=True)
        if not isinstance(storage, Storage):  # async storages are not supported here
            raise ValueError(f"unsupported rate limit storage {uri!r}")
        return storage

    @staticmethod
    def _check_limit(per_minute: int) -> None:
        if isinstance(per_minute, bool) or not isinstance(per_minute, int) or per_minute < 1:
            raise ValueError(f"per_minute must be an integer ≥ 1, got {per_minute!r}")

    @property
    def limit(self) -> int:
        return int(self._item.amount)

    @property
    def storage_uri(self) -> str:
        """The storage URI with any password removed, for logs and /health."""
        scheme, sep, rest = self._uri.partition("://")
        return f"{scheme}{sep}{rest.rpartition('@')[2]}"

    @property
    def storage_errors(self) -> int:
        """Shared-storage failures since start (a counter the service exports)."""
        return self._storage_errors

    @property
    def degraded(self) -> bool:
        """True while decisions come from the local fallback."""
        return time.monotonic() < self._storage_down_until

    def set_limit(self, per_minute: int) -> None:
        """Change the limit for every client, effective from the next hit."""
        self._check_limit(per_minute)
        self._item = _PerMinute(per_minute, namespace=_NAMESPACE)

    def hit(self, key: str, per_minute: int | None = None) -> RateLimitDecision:
        """Count one request of client `key` and say whether it may proceed; `per_minute`
        is the client's own limit, when it has one."""
        item = self._item if per_minute is None else _PerMinute(per_minute, namespace=_NAMESPACE)
        if self.degraded:
            return self._decide(self._fallback, item, key, degraded=True)
        try:
            return self._decide(self._strategy, item, key, degraded=False)
        except (StorageError, OSError) as exc:
            self._record_failure(exc)
            return self._decide(self._fallback, item, key, degraded=True)

    def spent(self, key: str, now: datetime) -> float:
        """What `key` spent on the UTC day of `now`."""
        return self.spend(key, 0.0, now)

    def spend(self, key: str, eur: float, now: datetime) -> float:
        """Add `eur` to what `key` spent on the UTC day of `now`; return the day's total.
        Kept beside the limits (same storage, same fallback), so that budgets hold
        across worker processes and replicas as limits do."""
        counter = f"{_NAMESPACE}/spend/{key}/{now.astimezone(UTC).date().isoformat()}"
        nano_eur = max(0, round(eur * 1e9))
        if not self.degraded:
            try:
                return self._storage.incr(counter, _SPEND_EXPIRY_S, nano_eur) / 1e9
            except (StorageError, OSError) as exc:
                self._record_failure(exc)
        return self._fallback.storage.incr(counter, _SPEND_EXPIRY_S, nano_eur) / 1e9

    def reset(self, key: str) -> None:
        """Forget the window of one client (tests, operator tooling)."""
        self._strategy.clear(self._item, key)
        self._fallback.clear(self._item, key)

    def close(self) -> None:
        """Stop the memory sweepers and release the Redis connection pool, if any."""
        for storage in (self._storage, self._fallback.storage):
            if isinstance(storage, _SweptMemoryStorage):
                storage.stop()
        client = getattr(self._storage, "storage", None)
        close = getattr(client, "close", None)
        if callable(close):
            close()

    def _record_failure(self, exc: Exception) -> None:
        cause = exc.storage_error if isinstance(exc, StorageError) else exc
        with self._lock:
            # For /health and logs: the kind of failure, not the URI (it may hold a password).
            self.last_storage_error = type(cause).__name__
            self._storage_errors += 1
            self._storage_down_until = time.monotonic() + self._retry_interval_s

    @staticmethod
    def _decide(
        strategy: MovingWindowRateLimiter, item: _PerMinute, key: str, degraded: bool
    ) -> RateLimitDecision:
        allowed = strategy.hit(item, key)
        stats = strategy.get_window_stats(item, key)
        remaining = max(0, int(stats.remaining))
        retry_after = 0
        if not allowed:
            retry_after = max(1, math.ceil(stats.reset_time - time.time()))
        return RateLimitDecision(allowed, retry_after, remaining, int(item.amount), degraded)
