"""A client key as the service knows it (never the token itself)."""

from __future__ import annotations

import fnmatch
import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

TOKEN_PREFIX = "aim_"
DISPLAY_CHARS = 8  # of the token, after the prefix: enough to tell keys apart in a list
NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,63}$")
MAX_RPM = 1_000_000
MAX_MODELS = 100


class ClientKeyError(ValueError):
    """A bad name, limit or model list; or a key that does not exist. The message says
    which, and is safe to show to the admin."""


class KeyExistsError(ClientKeyError):
    """An active key already has that name."""


class KeyNotFoundError(ClientKeyError):
    """No active key has that name."""


@dataclass(frozen=True, slots=True)
class ClientKey:
    name: str  # a metric label: bounded, chosen by the admin
    key_prefix: str  # the token's first characters, to recognise it
    rpm: int
    daily_budget_eur: float | None
    allowed_models: tuple[str, ...] | None  # None: every model; names or globs
    created_at: datetime
    revoked_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def allows(self, model: str) -> bool:
        if self.allowed_models is None:
            return True
        return any(fnmatch.fnmatchcase(model, pattern) for pattern in self.allowed_models)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "key_prefix": self.key_prefix,
            "rpm": self.rpm,
            "daily_budget_eur": self.daily_budget_eur,
            "allowed_models": list(self.allowed_models) if self.allowed_models else None,
            "created_at": self.created_at.isoformat(),
            "revoked_at": self.revoked_at.isoformat() if self.revoked_at else None,
        }


def generate_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def display_prefix(token: str) -> str:
    return token[: len(TOKEN_PREFIX) + DISPLAY_CHARS]


def check_fields(
    name: str, rpm: int, daily_budget_eur: float | None, allowed_models: tuple[str, ...] | None
) -> None:
    if not NAME_PATTERN.match(name):
        raise ClientKeyError(
            "name: use 1-64 lower-case letters, digits, '.', '_' or '-', starting with a "
            "letter or digit"
        )
    if not 1 <= rpm <= MAX_RPM:
        raise ClientKeyError(f"rpm: must be between 1 and {MAX_RPM}")
    if daily_budget_eur is not None and not 0 <= daily_budget_eur <= 1e9:
        raise ClientKeyError("daily budget: must be between 0 and 1e9 EUR")
    if allowed_models is not None:
        if not allowed_models or len(allowed_models) > MAX_MODELS:
            raise ClientKeyError(f"allowed models: give 1 to {MAX_MODELS} names or globs")
        if any(not m.strip() or len(m) > 200 for m in allowed_models):
            raise ClientKeyError("allowed models: names must be 1-200 characters")
