from __future__ import annotations

from fastapi.testclient import TestClient


def test_feedback_is_recorded_and_counted(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    request_id = client.post("/predict", json={"prompt": "What is drift?"}).json()["request_id"]
    response = client.post(
        "/feedback",
        json={
            "request_id": request_id,
            "rating": 2,
            "category": "hallucination",
            "comment": "wrong",
        },
    )
    assert response.status_code == 200
    service = client.app.state.service  # type: ignore[attr-defined]
    registry = service.metrics.registry
    assert (
        registry.get_sample_value(
            "ai_user_feedback_total", {"rating": "2", "category": "hallucination"}
        )
        == 1.0
    )
    assert (
        registry.get_sample_value(
            "ai_hallucination_events_total", {"scenario": "A", "source": "user_feedback"}
        )
        == 1.0
    )
    assert registry.get_sample_value("ai_user_satisfaction_score") == 0.25
    feedback = client.get("/stats", headers=admin_headers).json()["feedback"]
    assert feedback == {"count": 1, "mean_rating": 2.0}


def test_unknown_request_is_404(client: TestClient) -> None:
    response = client.post(
        "/feedback", json={"request_id": "00000000-0000-0000-0000-000000000000", "rating": 5}
    )
    assert response.status_code == 404


def test_rating_out_of_range_is_422(client: TestClient) -> None:
    request_id = client.post("/predict", json={"prompt": "hello"}).json()["request_id"]
    for rating in (0, 6, "five"):
        response = client.post("/feedback", json={"request_id": request_id, "rating": rating})
        assert response.status_code == 422


def test_recent_feedback_is_a_term_of_the_trust_index(client: TestClient) -> None:
    first = client.post("/predict", json={"prompt": "What is an SLO?"}).json()
    assert "feedback" not in first["trust"]
    client.post("/feedback", json={"request_id": first["request_id"], "rating": 1})
    second = client.post("/predict", json={"prompt": "What is an SLO?"}).json()
    assert second["trust"]["feedback"] == 0.0
    assert second["trust_index"] < first["trust_index"]


def test_feedback_text_follows_the_privacy_rule(client: TestClient) -> None:
    from sqlalchemy import create_engine, text

    request_id = client.post("/predict", json={"prompt": "hello"}).json()["request_id"]
    response = client.post(
        "/feedback",
        json={
            "request_id": request_id,
            "rating": 3,
            "comment": "wrong, write to zorro.secret@example.org or call 07 98 76 54 32",
            "category": "my email zed@example.org",
        },
    )
    assert response.status_code == 200
    service = client.app.state.service  # type: ignore[attr-defined]
    service.writer.flush()
    engine = create_engine(service.settings.resolved_database_url)
    with engine.connect() as conn:
        dumped = " ".join(
            str(row) for table in ("feedback", "audit_log")
            for row in conn.execute(text(f"SELECT * FROM {table}"))
        )  # fmt: skip
    engine.dispose()
    assert "zorro.secret@example.org" not in dumped
    assert "zed@example.org" not in dumped
    assert "07 98 76 54 32" not in dumped
    assert "<EMAIL_1>" in dumped
