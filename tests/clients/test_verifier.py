"""The per-request key check, and revocation reaching other processes in time."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from aimonitor.clients import ClientKeyStore, KeyVerifier


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_verify_finds_active_keys_only(key_store: ClientKeyStore) -> None:
    clock = Clock()
    verifier = KeyVerifier(key_store, refresh_s=1.0, clock=clock, background=False)
    assert not verifier.has_keys
    key, token = key_store.create("bot", rpm=60)
    assert verifier.verify(token) is None  # the copy is less than a second old
    clock.now = 1.0
    assert verifier.verify(token) == key and verifier.has_keys
    assert verifier.verify(token + "x") is None
    assert verifier.verify("") is None and verifier.verify(None) is None
    assert verifier.verify("a" * 10_000) is None
    key_store.revoke("bot")
    assert verifier.verify(token) == key
    clock.now = 2.0
    assert verifier.verify(token) is None


def test_unknown_tokens_never_query_the_database(key_store: ClientKeyStore) -> None:
    calls = 0
    original = key_store.active_by_hash

    def counting() -> dict[str, object]:
        nonlocal calls
        calls += 1
        return original()  # type: ignore[return-value]

    key_store.active_by_hash = counting  # type: ignore[method-assign]
    verifier = KeyVerifier(key_store, refresh_s=60.0, background=False)
    for index in range(1000):
        verifier.verify(f"aim_guess_{index}")
    assert calls == 1


def test_revocation_from_another_process_takes_effect_within_the_refresh(
    key_store: ClientKeyStore, tmp_path: Path
) -> None:
    _, token = key_store.create("bot", rpm=60)
    verifier = KeyVerifier(key_store, refresh_s=0.2)
    assert verifier.verify(token) is not None
    url = key_store.engine.url.render_as_string(hide_password=False)
    script = (
        "from aimonitor.clients import ClientKeyStore\n"
        "from aimonitor.store.engine import make_engine\n"
        f"ClientKeyStore(make_engine({url!r})).revoke('bot')\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=60)
    deadline = time.monotonic() + 5
    while verifier.verify(token) is not None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert verifier.verify(token) is None


def test_reloads_in_the_background_without_blocking_the_caller(
    key_store: ClientKeyStore,
) -> None:
    clock = Clock()
    verifier = KeyVerifier(key_store, refresh_s=1.0, clock=clock)
    assert not verifier.has_keys  # the first load is synchronous
    _, token = key_store.create("bot", rpm=60)
    clock.now = 5.0
    verifier.verify(token)  # starts the reload; answers from the copy it has
    deadline = time.monotonic() + 5
    while verifier.verify(token) is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert verifier.verify(token) is not None
