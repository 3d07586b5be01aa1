"""Bad input never gets a 5xx: random JSON bodies (hypothesis) against every endpoint
that takes a body, through the real app."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aimonitor.api import create_app
from aimonitor.config import load_settings

ADMIN_KEY = "fuzz-admin-key-0123456789"

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=40),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=10,
)


def _field(name: str, good: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    return st.one_of(
        st.just({}), good.map(lambda v: {name: v}), json_values.map(lambda v: {name: v})
    )


def _bodies(fields: dict[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[Any]:
    parts = [_field(name, good) for name, good in fields.items()]
    merged = st.tuples(*parts).map(lambda ds: {k: v for d in ds for k, v in d.items()})
    return st.one_of(merged, json_values)


PREDICT = _bodies(
    {
        "prompt": st.text(min_size=0, max_size=200),
        "scenario": st.sampled_from(["A", "B", "C", "D", "", "a"]),
        "user_id": st.text(max_size=20),
        "conversation_id": st.text(max_size=20),
        "context": st.lists(st.text(max_size=50), max_size=3),
    }
)
FEEDBACK = _bodies(
    {
        "request_id": st.text(max_size=40),
        "rating": st.integers(min_value=-2, max_value=8),
        "comment": st.text(max_size=50),
        "category": st.text(max_size=20),
    }
)
GUARDRAIL = _bodies(
    {
        "guardrail_name": st.sampled_from(
            [
                "pii_protection",
                "injection_protection",
                "toxicity_filter",
                "rate_limiter",
                "prompt_length",
                "output_pii_leak",
                "risk_policy",
                "nope",
            ]
        ),
        "enabled": st.booleans(),
        "threshold": st.floats(allow_nan=True, allow_infinity=True) | st.integers(-5, 10**7),
        "action": st.sampled_from(["block", "redact", "warn", "explode", ""]),
    }
)


def send(client: TestClient, method: str, path: str, body: Any, **headers: str) -> Any:
    """Raw JSON, so that NaN and Infinity (which Python's parser accepts) reach the app."""
    return client.request(
        method,
        path,
        content=json.dumps(body),
        headers={"content-type": "application/json", **headers},
    )


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    workdir: Path = tmp_path_factory.mktemp("fuzz")
    app = create_app(
        load_settings(
            data_dir=workdir / "data",
            log_dir=workdir / "logs",
            sim_latency_scale=0.0,
            rate_limit_per_minute=1_000_000,
            admin_api_key=ADMIN_KEY,
            log_level="WARNING",
        )
    )
    with TestClient(app) as test_client:
        yield test_client


FUZZ = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@FUZZ
@given(body=PREDICT)
def test_predict_never_answers_5xx_to_bad_input(client: TestClient, body: Any) -> None:
    response = send(client, "POST", "/predict", body)
    # 502/504 are the simulated upstream failures of scenario C, not input errors.
    assert response.status_code < 500 or response.json().get("error", "").startswith("upstream")
    assert response.headers["content-type"].startswith("application/json")


@FUZZ
@given(body=FEEDBACK)
def test_feedback_never_answers_5xx(client: TestClient, body: Any) -> None:
    assert send(client, "POST", "/feedback", body).status_code < 500


@FUZZ
@given(body=GUARDRAIL)
def test_guardrail_config_never_answers_5xx(client: TestClient, body: Any) -> None:
    response = send(client, "PUT", "/guardrails/config", body, **{"X-API-Key": ADMIN_KEY})
    assert response.status_code < 500, response.text
