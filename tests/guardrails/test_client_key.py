from __future__ import annotations

import hashlib
import hmac

import pytest

from aimonitor.guardrails import client_key

SECRET = b"0123456789abcdef0123456789abcdef"


def test_user_id_comes_first() -> None:
    key = client_key("alice", "sk-123", "10.0.0.1", SECRET)
    assert key.startswith("user:")
    assert key == client_key("alice", None, None, SECRET)


def test_api_key_then_address_then_anonymous() -> None:
    assert client_key(None, "sk-123", "10.0.0.1", SECRET).startswith("api_key:")
    assert client_key(None, None, "10.0.0.1", SECRET).startswith("address:")
    assert client_key(None, None, None, SECRET).startswith("anonymous:")


def test_blank_values_count_as_missing() -> None:
    assert client_key("  ", "", "10.0.0.1", SECRET) == client_key(None, None, "10.0.0.1", SECRET)


def test_the_identity_is_not_in_the_key() -> None:
    key = client_key("alice@example.com", None, None, SECRET)
    assert "alice" not in key and "example" not in key
    kind, digest = key.split(":")
    assert kind == "user" and len(digest) == 32 and int(digest, 16) >= 0


def test_stable_under_one_secret_and_different_under_another() -> None:
    assert client_key("bob", None, None, SECRET) == client_key("bob", None, None, SECRET)
    assert client_key("bob", None, None, SECRET) != client_key("bob", None, None, b"other")
    assert client_key("bob", None, None, SECRET) != client_key("bobby", None, None, SECRET)


def test_kinds_do_not_share_buckets() -> None:
    user = client_key("10.0.0.1", None, None, SECRET)
    address = client_key(None, None, "10.0.0.1", SECRET)
    assert user.split(":")[1] != address.split(":")[1]


def test_empty_secret_is_refused() -> None:
    with pytest.raises(ValueError, match="secret"):
        client_key("bob", None, None, b"")


def test_the_key_is_the_documented_hmac_whatever_came_before() -> None:
    # Stored pseudonyms must stay valid across versions: pin the construction, and check
    # that the keyed template copied per call carries nothing from one call to the next.
    for user in ("alice", "bob", "alice"):
        expected = hmac.new(SECRET, f"user\x00{user}".encode(), hashlib.sha256).hexdigest()
        assert client_key(user, None, None, SECRET) == f"user:{expected[:32]}"
