"""Client keys in the service database (table `client_keys`, store/schema.py)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, and_, insert, select, update
from sqlalchemy.exc import IntegrityError

from aimonitor.clients.model import (
    ClientKey,
    KeyExistsError,
    KeyNotFoundError,
    check_fields,
    display_prefix,
    generate_token,
    hash_token,
)
from aimonitor.store.engine import WRITE_TRANSACTION
from aimonitor.store.schema import client_keys

_COLUMNS = (
    client_keys.c.name,
    client_keys.c.key_prefix,
    client_keys.c.rpm,
    client_keys.c.daily_budget_eur,
    client_keys.c.allowed_models,
    client_keys.c.created_at,
    client_keys.c.revoked_at,
)


class ClientKeyStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def create(
        self,
        name: str,
        *,
        rpm: int,
        daily_budget_eur: float | None = None,
        allowed_models: Sequence[str] | None = None,
        now: datetime | None = None,
    ) -> tuple[ClientKey, str]:
        """The new key and its token (shown once: only its hash is stored). A name
        belongs to one active key at a time; a revoked key's name can be reused."""
        models = tuple(allowed_models) if allowed_models is not None else None
        check_fields(name, rpm, daily_budget_eur, models)
        token = generate_token()
        key = ClientKey(
            name=name,
            key_prefix=display_prefix(token),
            rpm=rpm,
            daily_budget_eur=daily_budget_eur,
            allowed_models=models,
            created_at=now or datetime.now(UTC),
        )
        row = {
            "name": key.name,
            "key_hash": hash_token(token),
            "key_prefix": key.key_prefix,
            "rpm": key.rpm,
            "daily_budget_eur": key.daily_budget_eur,
            "allowed_models": list(models) if models is not None else None,
            "created_at": key.created_at,
        }
        try:
            with self._write() as conn:
                taken = conn.execute(
                    select(client_keys.c.id).where(
                        and_(client_keys.c.name == name, client_keys.c.revoked_at.is_(None))
                    )
                ).first()
                if taken is not None:
                    raise KeyExistsError(f"an active key named {name!r} exists: revoke it first")
                conn.execute(insert(client_keys).values(**row))
        except IntegrityError:
            raise KeyExistsError(f"an active key named {name!r} exists: revoke it first") from None
        return key, token

    def list(self, *, include_revoked: bool = True) -> list[ClientKey]:
        query = select(*_COLUMNS).order_by(client_keys.c.created_at, client_keys.c.id)
        if not include_revoked:
            query = query.where(client_keys.c.revoked_at.is_(None))
        with self.engine.connect() as conn:
            return [_key(row._mapping) for row in conn.execute(query)]

    def revoke(self, name: str, *, now: datetime | None = None) -> ClientKey:
        when = now or datetime.now(UTC)
        active = and_(client_keys.c.name == name, client_keys.c.revoked_at.is_(None))
        with self._write() as conn:
            row = conn.execute(select(*_COLUMNS).where(active)).first()
            if row is None:
                raise KeyNotFoundError(f"no active key named {name!r}")
            conn.execute(update(client_keys).where(active).values(revoked_at=when))
        key = _key(row._mapping)
        return ClientKey(**{**_fields(key), "revoked_at": when})

    def active_by_hash(self) -> dict[str, ClientKey]:
        """Every active key by the hash of its token (what a verifier keeps in memory)."""
        query = select(client_keys.c.key_hash, *_COLUMNS).where(client_keys.c.revoked_at.is_(None))
        with self.engine.connect() as conn:
            return {row.key_hash: _key(row._mapping) for row in conn.execute(query)}

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        # BEGIN IMMEDIATE on SQLite: the name check and the insert see the same state.
        with (
            self.engine.connect().execution_options(**{WRITE_TRANSACTION: True}) as conn,
            conn.begin(),
        ):
            yield conn


def _fields(key: ClientKey) -> dict[str, Any]:
    return {name: getattr(key, name) for name in ClientKey.__slots__}


def _key(row: Any) -> ClientKey:
    models = row["allowed_models"]
    return ClientKey(
        name=row["name"],
        key_prefix=row["key_prefix"],
        rpm=row["rpm"],
        daily_budget_eur=row["daily_budget_eur"],
        allowed_models=tuple(models) if models is not None else None,
        created_at=_utc(row["created_at"]),
        revoked_at=_utc(row["revoked_at"]) if row["revoked_at"] is not None else None,
    )


def _utc(value: datetime) -> datetime:
    # SQLite gives naive datetimes back.
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
