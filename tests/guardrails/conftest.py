"""Fixtures of the guardrails tests (see guardrail_redis.py for the server)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from guardrail_redis import RedisServer, require_binary


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(require_binary("redis-server"), tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()
