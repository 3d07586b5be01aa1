from __future__ import annotations

from fastapi.testclient import TestClient


def test_turns_in_order_then_erasure(client: TestClient, admin_headers: dict[str, str]) -> None:
    for prompt in ("first question about SLOs", "second question, mail me at a.b@example.org"):
        response = client.post("/predict", json={"prompt": prompt, "conversation_id": "conv-1"})
        assert response.status_code == 200
    turns = client.get("/conversations/conv-1").json()["turns"]
    assert [t["turn"] for t in turns] == [1, 2]
    assert turns[0]["prompt"].startswith("first question")
    assert "a.b@example.org" not in turns[1]["prompt"]  # redacted before storage

    assert client.delete("/conversations/conv-1").status_code == 401
    response = client.delete("/conversations/conv-1", headers=admin_headers)
    assert response.status_code == 200
    assert response.json()["turns_erased"] == 2
    erased = client.get("/conversations/conv-1")
    assert erased.status_code == 404 or all(
        t["prompt"] is None and t["response"] is None for t in erased.json()["turns"]
    )


def test_unknown_conversation_is_404(client: TestClient, admin_headers: dict[str, str]) -> None:
    assert client.get("/conversations/nope").status_code == 404
    assert client.delete("/conversations/nope", headers=admin_headers).status_code == 404
