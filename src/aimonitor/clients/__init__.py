"""Client API keys: who may call the gateway, at what rate and budget, for which models.

    store = ClientKeyStore(engine)
    key, token = store.create("billing-bot", rpm=600, daily_budget_eur=20.0)
    verifier = KeyVerifier(store)           # one per server process
    verifier.verify("Bearer-token-value")   # ClientKey | None, from memory

Keys are stored hashed (SHA-256 of a 256-bit random token: nothing to brute-force, no
slow hash needed); the token is shown once, at creation.
"""

from __future__ import annotations

from aimonitor.clients.model import (
    ClientKey,
    ClientKeyError,
    KeyExistsError,
    KeyNotFoundError,
    generate_token,
    hash_token,
)
from aimonitor.clients.store import ClientKeyStore
from aimonitor.clients.verifier import KeyVerifier

__all__ = [
    "ClientKey",
    "ClientKeyError",
    "ClientKeyStore",
    "KeyExistsError",
    "KeyNotFoundError",
    "KeyVerifier",
    "generate_token",
    "hash_token",
]
