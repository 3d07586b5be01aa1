from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from aimonitor.clients import ClientKeyStore
from aimonitor.store import open_store


@pytest.fixture
def key_store(tmp_path: Path) -> Iterator[ClientKeyStore]:
    store = open_store(f"sqlite:///{(tmp_path / 'keys.db').as_posix()}", tmp_path)
    try:
        yield ClientKeyStore(store.engine)
    finally:
        store.close()
