"""Fixtures for the store tests: a real PostgreSQL server started for the session, and
a `store` fixture that runs each test against SQLite in memory, a SQLite file and PostgreSQL."""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from aimonitor.store import (
    RequestRecord,
    Store,
    StoreUnavailable,
    memory_store,
    open_store,
)
from support.servers import free_port, missing


def _postgres_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


class PostgresServer:
    """A throwaway PostgreSQL cluster on loopback, owned by the `postgres` OS user when
    the tests run as root (the server refuses to run as root)."""

    def __init__(self) -> None:
        initdb, pg_ctl = _postgres_bin("initdb"), _postgres_bin("pg_ctl")
        if initdb is None or pg_ctl is None:
            missing("PostgreSQL binaries (initdb, pg_ctl) not found")
        assert initdb is not None and pg_ctl is not None
        self.pg_ctl = pg_ctl
        self.prefix: list[str] = []
        self.root = Path(tempfile.mkdtemp(prefix="aimonitor-pg-", dir="/tmp"))
        if os.geteuid() == 0:
            try:
                user = pwd.getpwnam("postgres")
            except KeyError:
                missing("running as root and there is no 'postgres' OS user")
            os.chown(self.root, user.pw_uid, user.pw_gid)
            self.prefix = ["runuser", "-u", "postgres", "--"]
        self.data = self.root / "data"
        self.port = free_port()
        init_options = ["-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync"]
        self._run([initdb, "-D", str(self.data), *init_options])
        self.start()
        self._counter = itertools.count()

    def _run(self, args: list[str]) -> None:
        subprocess.run(self.prefix + args, check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -h 127.0.0.1 -F"
        log = str(self.root / "server.log")
        self._run([self.pg_ctl, "-D", str(self.data), "-o", options, "-l", log, "-w", "start"])

    def stop(self) -> None:
        self._run([self.pg_ctl, "-D", str(self.data), "-m", "fast", "-w", "stop"])

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self) -> str:
        import psycopg

        name = f"aimonitor_test_{next(self._counter)}"
        with psycopg.connect(
            f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres", autocommit=True
        ) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def destroy(self) -> None:
        try:
            self.stop()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    server = PostgresServer()
    try:
        yield server
    finally:
        server.destroy()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{(tmp_path / 'db' / 'aimonitor.db').as_posix()}"
    server: PostgresServer = request.getfixturevalue("postgres_server")
    return server.create_database()


@pytest.fixture
def sql_store(database_url: str, tmp_path: Path) -> Iterator[Any]:
    store = open_store(database_url, tmp_path / "data")
    yield store
    store.close()


@pytest.fixture(params=["memory", "sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """The same behaviour, whichever store implements it."""
    if request.param == "memory":
        memory = memory_store()
        yield memory
        memory.close()
        return
    if request.param == "sqlite":
        url = f"sqlite:///{(tmp_path / 'db' / 'aimonitor.db').as_posix()}"
    else:
        server: PostgresServer = request.getfixturevalue("postgres_server")
        url = server.create_database()
    sql = open_store(url, tmp_path / "data")
    yield sql
    sql.close()


T0 = datetime(2026, 1, 15, 12, 0, 0, tzinfo=UTC)
_ids = itertools.count(1)


def _make_request(**overrides: Any) -> RequestRecord:
    n = next(_ids)
    values: dict[str, Any] = {
        "request_id": f"00000000-0000-4000-8000-{n:012d}",
        "created_at": T0 + timedelta(seconds=n),
        "client": "client-hash",
        "scenario": "A",
        "model": "sim-a",
        "backend": "simulated",
        "decision": "served",
        "status_code": 200,
        "risk_level": "minimal",
        "latency_ms": 10.0,
        "tokens_input": 5,
        "tokens_output": 7,
        "cost_eur": 0.0001,
        "prompt_text": "What is the capital of France?",
        "response_text": "Paris.",
        "scores": {"quality": 0.9, "hallucination": 0.1},
    }
    values.update(overrides)
    return RequestRecord(**values)


@pytest.fixture
def make_request() -> Callable[..., RequestRecord]:
    """Build a valid RequestRecord with a fresh id; keyword arguments override fields."""
    return _make_request


class FlakyStore:
    """Wraps a store; while `down` is set, writes fail as if the database were gone."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.down = False
        self.batches: list[int] = []
        self.failures = 0

    def write_batch(self, events: Any, stamps: Any = None) -> None:
        if self.down:
            self.failures += 1
            raise StoreUnavailable("simulated outage")
        self.inner.write_batch(events, stamps)
        self.batches.append(len(events))

    def health(self) -> bool:
        return not self.down and bool(self.inner.health())

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


class RecordingObserver:
    def __init__(self) -> None:
        self.failures = 0
        self.replayed = 0
        self.written: list[Any] = []
        self.written_counts: Counter[tuple[str, str]] = Counter()
        self.depths: list[int] = []

    def on_write_failure(self) -> None:
        self.failures += 1

    def on_replayed(self, n: int) -> None:
        self.replayed += n

    def on_written(self, events: Any) -> None:
        self.written.extend(events)

    def on_written_counts(self, counts: Any) -> None:
        self.written_counts.update(counts)

    def queue_depth(self, n: int) -> None:
        self.depths.append(n)


@pytest.fixture
def flaky_sqlite(tmp_path: Path) -> Iterator[FlakyStore]:
    sql = open_store(f"sqlite:///{(tmp_path / 'aimonitor.db').as_posix()}", tmp_path)
    yield FlakyStore(sql)
    sql.close()


@pytest.fixture
def observer() -> RecordingObserver:
    return RecordingObserver()


def engine_at(url: str, revision: str) -> Any:
    """An engine on a new database migrated to `revision` only: what an earlier version
    of the service left behind."""
    from alembic import command

    from aimonitor.store.engine import WRITE_TRANSACTION, alembic_config, make_engine

    engine = make_engine(url)
    config = alembic_config()
    with engine.connect().execution_options(**{WRITE_TRANSACTION: True}) as conn, conn.begin():
        config.attributes["connection"] = conn
        command.upgrade(config, revision)
    return engine
