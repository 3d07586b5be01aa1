"""Who is the client of a request, as a pseudonym safe to store and to use as a
rate-limit key.

The identity is the user id when the request names one, else the API key, else the
network address. It is never kept as such: the key is an HMAC-SHA256 of the identity
under the service's secret (`aimonitor.keys`), so the same client always gets the same
pseudonym (rate limits and the audit trail stay linkable) but the pseudonym cannot be
turned back into the identity without the secret (GDPR Art. 4(5), 25, 32).
"""

from __future__ import annotations

import functools
import hashlib
import hmac

# 128 bits: collisions between clients are out of reach, the key stays short.
PSEUDONYM_HEX_CHARS = 32


@functools.lru_cache(maxsize=8)
def _keyed_mac(secret: bytes) -> hmac.HMAC:
    """An HMAC already keyed with `secret`, to copy per message. Copying skips the key
    setup, and unlike the one-shot `hmac.digest` (which lets other threads take the
    interpreter lock for its duration) it keeps the request's thread running: about
    half the cost in isolation, less still under the server's threads."""
    return hmac.new(secret, digestmod=hashlib.sha256)


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None


def client_key(user_id: str | None, api_key: str | None, address: str | None, secret: bytes) -> str:
    """`<kind>:<hmac hex prefix>`, kind being user, api_key, address or anonymous."""
    if not secret:
        raise ValueError("client_key needs a non-empty secret")
    kind, identity = "anonymous", ""
    for name, value in (("user", user_id), ("api_key", api_key), ("address", address)):
        cleaned = _clean(value)
        if cleaned is not None:
            kind, identity = name, cleaned
            break
    # The kind is part of the MAC so that a user id equal to someone's address
    # does not share their bucket.
    mac = _keyed_mac(secret).copy()
    mac.update(f"{kind}\x00{identity}".encode())
    digest = mac.hexdigest()
    return f"{kind}:{digest[:PSEUDONYM_HEX_CHARS]}"


def conversation_key(conversation_id: str, secret: bytes) -> str:
    """The stored form of a client-chosen conversation id: the same keyed pseudonym for
    the same id, so that its turns stay linked, and nothing the client wrote in it (an
    e-mail address, a name) reaches the database or the audit trail."""
    mac = _keyed_mac(secret).copy()
    mac.update(f"conversation\x00{conversation_id}".encode())
    return f"conv:{mac.hexdigest()[:PSEUDONYM_HEX_CHARS]}"
