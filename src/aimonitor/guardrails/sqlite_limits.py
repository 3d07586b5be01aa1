"""A `limits` storage in a SQLite file, shared by the worker processes of one host.

`aimonitor serve --workers N` needs its rate limits and budgets to hold across the
processes: the in-memory storage would give each worker its own count (N times the
limit). Redis does this across hosts; on one host, this file does it with nothing to
install. Each operation is one short write transaction; SQLite serialises them, so a
moving window holds exactly.

URI: ``aimonitor+sqlite:///absolute/path/ratelimit.db``.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from limits.storage import MovingWindowSupport, Storage

SCHEME = "aimonitor+sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS hits_per_second (key TEXT NOT NULL, second INTEGER NOT NULL,
                                            count INTEGER NOT NULL,
                                            PRIMARY KEY (key, second));
CREATE TABLE IF NOT EXISTS counters (key TEXT PRIMARY KEY, value INTEGER NOT NULL,
                                     expires_at REAL NOT NULL);
"""


class SqliteStorage(Storage, MovingWindowSupport):
    STORAGE_SCHEME = [SCHEME]  # noqa: RUF012  (the base class declares it so)

    def __init__(self, uri: str, wrap_exceptions: bool = False, **options: float | str | bool):
        super().__init__(uri, wrap_exceptions=wrap_exceptions)
        path = uri.split("://", 1)[1]
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        with self._connect() as conn:
            conn.executescript(_SCHEMA)

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return sqlite3.Error

    def _connect(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=5.0, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            # Counters of the last minute: losing them to a power cut is harmless.
            conn.execute("PRAGMA synchronous=OFF")
            self._local.conn = conn
        return conn

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        conn = self._connect()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    # --- moving window ------------------------------------------------------------
    def acquire_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        # Hits are counted per second: a window costs at most `expiry` rows, whatever the
        # limit, and holds to the second (a hit counts until its whole second has left).
        if amount > limit:
            return False
        now = time.time()
        second = int(now)
        with self._write() as conn:
            conn.execute(
                "DELETE FROM hits_per_second WHERE key = ? AND second <= ?",
                (key, now - expiry - 1),
            )
            (count,) = conn.execute(
                "SELECT COALESCE(SUM(count), 0) FROM hits_per_second WHERE key = ?", (key,)
            ).fetchone()
            allowed = bool(count + amount <= limit)
            if allowed:
                conn.execute(
                    "INSERT INTO hits_per_second VALUES (?, ?, ?) ON CONFLICT (key, second) "
                    "DO UPDATE SET count = count + excluded.count",
                    (key, second, amount),
                )
        return allowed

    def get_moving_window(self, key: str, limit: int, expiry: int) -> tuple[float, int]:
        now = time.time()
        oldest, count = (
            self._connect()
            .execute(
                "SELECT MIN(second), COALESCE(SUM(count), 0) FROM hits_per_second "
                "WHERE key = ? AND second > ?",
                (key, now - expiry - 1),
            )
            .fetchone()
        )
        # The oldest hit is taken at the end of its second: its retry time is never early.
        return (float(oldest) + 1.0 if oldest is not None else now, int(count))

    # --- counters -------------------------------------------------------------------
    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        with self._write() as conn:
            conn.execute("DELETE FROM counters WHERE key = ? AND expires_at <= ?", (key, now))
            conn.execute(
                "INSERT INTO counters VALUES (?, ?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = value + excluded.value",
                (key, amount, now + expiry),
            )
            (value,) = conn.execute("SELECT value FROM counters WHERE key = ?", (key,)).fetchone()
        return int(value)

    def get(self, key: str) -> int:
        row = (
            self._connect()
            .execute(
                "SELECT value FROM counters WHERE key = ? AND expires_at > ?", (key, time.time())
            )
            .fetchone()
        )
        return int(row[0]) if row else 0

    def get_expiry(self, key: str) -> float:
        row = (
            self._connect()
            .execute("SELECT expires_at FROM counters WHERE key = ?", (key,))
            .fetchone()
        )
        return float(row[0]) if row else time.time()

    def check(self) -> bool:
        self._connect().execute("SELECT 1").fetchone()
        return True

    def reset(self) -> int | None:
        with self._write() as conn:
            deleted = conn.execute("DELETE FROM hits_per_second").rowcount
            deleted += conn.execute("DELETE FROM counters").rowcount
        return int(deleted)

    def clear(self, key: str) -> None:
        with self._write() as conn:
            conn.execute("DELETE FROM hits_per_second WHERE key = ?", (key,))
            conn.execute("DELETE FROM counters WHERE key = ?", (key,))
