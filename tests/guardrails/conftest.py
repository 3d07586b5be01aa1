"""Fixtures of the guardrails tests (see guardrail_redis.py for the server).

This directory is put on sys.path so that the tests can import `guardrail_redis`
under `--import-mode=importlib`, which does not do it."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)

from guardrail_redis import RedisServer  # noqa: E402

from support.servers import require_binary  # noqa: E402


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(require_binary("redis-server", "Debian package redis-server"), tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()
