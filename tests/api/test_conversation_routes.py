from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient

from aimonitor.api import create_app
from aimonitor.guardrails import conversation_key
from aimonitor.store import RequestRecord

VIEWER_KEY = "test-viewer-key-0123456789"


def test_turns_in_order_then_erasure(client: TestClient, admin_headers: dict[str, str]) -> None:
    for prompt in ("first question about SLOs", "second question, mail me at a.b@example.org"):
        response = client.post("/predict", json={"prompt": prompt, "conversation_id": "conv-1"})
        assert response.status_code == 200
    turns = client.get("/conversations/conv-1", headers=admin_headers).json()["turns"]
    assert [t["turn"] for t in turns] == [1, 2]
    assert turns[0]["prompt"].startswith("first question")
    assert "a.b@example.org" not in turns[1]["prompt"]  # redacted before storage

    assert client.delete("/conversations/conv-1").status_code == 401
    response = client.delete("/conversations/conv-1", headers=admin_headers)
    assert response.status_code == 200
    assert response.json()["turns_erased"] == 2
    erased = client.get("/conversations/conv-1", headers=admin_headers)
    assert erased.status_code == 410
    assert erased.json()["status"] == "erased"
    assert "turns" not in erased.json()


def test_a_conversation_goes_on_after_its_erasure(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    client.post("/predict", json={"prompt": "before the erasure", "conversation_id": "conv-2"})
    assert client.delete("/conversations/conv-2", headers=admin_headers).status_code == 200
    client.post("/predict", json={"prompt": "after the erasure", "conversation_id": "conv-2"})
    turns = client.get("/conversations/conv-2", headers=admin_headers).json()["turns"]
    assert [t["prompt"] for t in turns] == ["after the erasure"]


def test_reading_a_conversation_needs_a_key(make_settings: Any) -> None:
    with TestClient(create_app(make_settings(viewer_api_key=VIEWER_KEY))) as client:
        client.post("/predict", json={"prompt": "a question", "conversation_id": "conv-3"})
        assert client.get("/conversations/conv-3").status_code == 401
        wrong = {"X-API-Key": "not-the-viewer-key-0123"}
        assert client.get("/conversations/conv-3", headers=wrong).status_code == 403
        viewer = client.get("/conversations/conv-3", headers={"X-API-Key": VIEWER_KEY})
        assert viewer.status_code == 200
        assert viewer.json()["turns"][0]["prompt"] == "a question"
        # Read access is not admin access.
        assert (
            client.delete("/conversations/conv-3", headers={"X-API-Key": VIEWER_KEY}).status_code
            == 403
        )


def test_unknown_conversation_is_404(client: TestClient, admin_headers: dict[str, str]) -> None:
    assert client.get("/conversations/nope", headers=admin_headers).status_code == 404
    assert client.delete("/conversations/nope", headers=admin_headers).status_code == 404


def test_an_application_key_reads_its_own_conversations_only(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    service = client.app.state.service  # type: ignore[attr-defined]
    _, own_token = service.client_keys.store.create("app-one", rpm=60)
    _, other_token = service.client_keys.store.create("app-two", rpm=60)
    service.client_keys.refresh()
    now = datetime.now(UTC)
    for name, conversation in (("app-one", "mine"), ("app-two", "theirs")):
        service.store.write_batch(
            [
                RequestRecord(
                    request_id=str(uuid.uuid4()),
                    created_at=now,
                    client=f"key:{name}",
                    conversation_id=conversation_key(conversation, service.secret),
                    scenario="A",
                    model="sim",
                    backend="simulated",
                    decision="served",
                    status_code=200,
                    risk_level="minimal",
                    latency_ms=1.0,
                    tokens_input=1,
                    tokens_output=1,
                    cost_eur=0.0,
                    prompt_text=f"a question from {name}",
                )
            ]
        )
    own = {"Authorization": f"Bearer {own_token}"}
    mine = client.get("/conversations/mine", headers=own)
    assert mine.status_code == 200
    assert mine.json()["turns"][0]["prompt"] == "a question from app-one"
    # Another client's conversation looks unknown; operators read both.
    assert client.get("/conversations/theirs", headers=own).status_code == 404
    assert client.get("/conversations/theirs", headers=admin_headers).status_code == 200
    # An application key reads nothing else.
    assert client.get("/stats", headers=own).status_code == 403
    assert client.get("/drift", headers=own).status_code == 403
    assert client.get("/console/api/overview", headers=own).status_code == 403
    assert client.post("/console/api/session", json={"key": own_token}).status_code == 403
    service.client_keys.store.revoke("app-one")
    service.client_keys.refresh()
    assert client.get("/conversations/mine", headers=own).status_code == 403
    assert other_token not in mine.text
