"""Client keys in the database: created, listed, revoked; only hashes stored."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from aimonitor.clients import ClientKeyError, ClientKeyStore, KeyExistsError, KeyNotFoundError
from aimonitor.clients.model import hash_token
from aimonitor.store.schema import client_keys


def test_create_returns_the_token_once_and_stores_its_hash(key_store: ClientKeyStore) -> None:
    key, token = key_store.create("billing-bot", rpm=600, daily_budget_eur=20.0)
    assert token.startswith("aim_") and len(token) > 40
    assert key.key_prefix == token[:12] and key.active
    with key_store.engine.connect() as conn:
        rows = [dict(row._mapping) for row in conn.execute(select(client_keys))]
    assert [row["key_hash"] for row in rows] == [hash_token(token)]
    assert all(token not in str(value) for value in rows[0].values())
    [listed] = key_store.list()
    assert (listed.name, listed.rpm, listed.daily_budget_eur) == ("billing-bot", 600, 20.0)
    assert listed.created_at.tzinfo is not None


def test_tokens_are_unique(key_store: ClientKeyStore) -> None:
    tokens = {key_store.create(f"k{i}", rpm=1)[1] for i in range(20)}
    assert len(tokens) == 20


def test_revoke_then_reuse_the_name(key_store: ClientKeyStore) -> None:
    key_store.create("bot", rpm=10, allowed_models=["gpt-4o-mini", "llama3*"])
    with pytest.raises(KeyExistsError):
        key_store.create("bot", rpm=10)
    when = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)
    revoked = key_store.revoke("bot", now=when)
    assert revoked.revoked_at == when and revoked.allowed_models == ("gpt-4o-mini", "llama3*")
    with pytest.raises(KeyNotFoundError):
        key_store.revoke("bot")
    key_store.create("bot", rpm=20)
    assert [k.active for k in key_store.list()] == [False, True]
    assert [k.rpm for k in key_store.list(include_revoked=False)] == [20]
    assert set(key_store.active_by_hash().values()) == set(key_store.list(include_revoked=False))


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": "Billing Bot", "rpm": 1}, "name"),
        ({"name": "", "rpm": 1}, "name"),
        ({"name": "b", "rpm": 0}, "rpm"),
        ({"name": "b", "rpm": 10, "daily_budget_eur": -1.0}, "budget"),
        ({"name": "b", "rpm": 10, "allowed_models": []}, "models"),
        ({"name": "b", "rpm": 10, "allowed_models": [" "]}, "models"),
    ],
)
def test_bad_fields_are_refused_with_the_reason(
    key_store: ClientKeyStore, fields: dict[str, object], message: str
) -> None:
    with pytest.raises(ClientKeyError, match=message):
        key_store.create(**fields)  # type: ignore[arg-type]


def test_allowed_models_take_names_and_globs(key_store: ClientKeyStore) -> None:
    key, _ = key_store.create("scoped", rpm=5, allowed_models=["gpt-4o-mini", "llama3*"])
    assert key.allows("gpt-4o-mini") and key.allows("llama3:8b")
    assert not key.allows("gpt-4o")
    free, _ = key_store.create("free", rpm=5)
    assert free.allows("anything")
