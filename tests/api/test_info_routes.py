from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from aimonitor.api import create_app


def test_root_describes_the_service(client: TestClient) -> None:
    body = client.get("/").json()
    assert body["name"] == "aimonitor"
    assert body["backend"] == "simulated"
    assert {"/predict", "/feedback", "/stats", "/guardrails", "/metrics"} <= set(body["endpoints"])


def test_health_checks_the_store(client: TestClient) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json()["checks"]["store"] == "up"


def test_health_is_503_when_the_store_is_down(make_settings: Any) -> None:
    app = create_app(make_settings())
    with TestClient(app) as client:
        store = app.state.service.store
        store.health = lambda: False  # type: ignore[method-assign]
        response = client.get("/health")
    assert response.status_code == 503
    assert response.json()["checks"]["store"] == "down"


def test_metrics_exposition(client: TestClient) -> None:
    client.post("/predict", json={"prompt": "Explain AI monitoring", "scenario": "A"})
    text = client.get("/metrics").text
    names = (
        "ai_requests_total",
        "ai_latency_seconds_bucket",
        "ai_slo_error_budget_burn_rate",
        "gen_ai_client_operation_duration_seconds_bucket",
        "ai_guardrail_triggers_total",
    )
    for name in names:
        assert name in text
    assert 'ai_requests_total{scenario="A",status="success"} 1.0' in text


def test_openmetrics_exposition_on_request(client: TestClient) -> None:
    response = client.get("/metrics", headers={"Accept": "application/openmetrics-text"})
    assert response.headers["content-type"].startswith("application/openmetrics-text")
    assert response.text.rstrip().endswith("# EOF")


def test_openapi_lists_the_seed_endpoints(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in ("/predict", "/feedback", "/conversations/{conversation_id}", "/stats",
                 "/guardrails", "/guardrails/config", "/health", "/drift"):  # fmt: skip
        assert path in paths
    assert client.get("/docs").status_code == 200
