from __future__ import annotations

import base64
import json

import pytest
from pii_helpers import found

from aimonitor.analysis import Analyzer


def _jwt() -> str:
    def part(data: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    return f"{part({'alg': 'HS256', 'typ': 'JWT'})}.{part({'sub': '42'})}.c2lnbmF0dXJlX2J5dGVz"


PEM = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7\n-----END RSA PRIVATE KEY-----"


@pytest.mark.parametrize(
    ("secret", "pattern"),
    [
        ("AKIAIOSFODNN7EXAMPLE", "aws_access_key_id"),
        ("ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789", "github_token"),
        ("sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z", "openai_key"),
        ("sk-ant-api03-Ab3dEf6hIj9kLm2nOp5qRs8tUv1w", "anthropic_key"),
        ("xoxb-123456789012-123456789012-AbCdEfGhIjKlMnOpQrStUvWx", "slack_token"),
        ("sk_live_4eC39HqLyjWDarjtT1zdp7dc", "stripe_key"),
        ("AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q", "google_api_key"),
        (_jwt(), "jwt"),
        (PEM, "pem_private_key"),
    ],
)
def test_secrets_are_found(analyzer: Analyzer, secret: str, pattern: str) -> None:
    findings = [f for f in analyzer.scan_pii(f"leaked: {secret} oops") if f.type == "SECRET"]
    assert [f.text for f in findings] == [secret]
    assert f"pattern={pattern}" in findings[0].explanation


def test_assignment_with_random_value(analyzer: Analyzer) -> None:
    assert found(analyzer, 'password = "Tr0ub4dor&3xK9!qZ"', "SECRET") == ["Tr0ub4dor&3xK9!qZ"]


@pytest.mark.parametrize(
    "text",
    [
        "sk-aaaaaaaaaaaaaaaaaaaaaaaaaaaa",  # placeholder, low entropy
        "the task-management tool",
        "eyJhbGciOi.eyJzdWIiOi.notreally",  # JWT-shaped, header does not decode
        "password = changeme_changeme",  # low entropy
        "-----BEGIN RSA PRIVATE KEY----- (truncated, no footer)",
        "ghp_short",
    ],
)
def test_secret_near_misses(analyzer: Analyzer, text: str) -> None:
    assert found(analyzer, text, "SECRET") == []
