from __future__ import annotations

from collections.abc import Iterator

import pytest

from aimonitor.backends.fake_upstream import FakeUpstream


@pytest.fixture
def fake_upstream() -> Iterator[FakeUpstream]:
    upstream = FakeUpstream()
    upstream.start()
    try:
        yield upstream
    finally:
        upstream.stop()
