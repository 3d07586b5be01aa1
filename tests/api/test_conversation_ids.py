"""A client-chosen conversation id may hold personal data: only its keyed pseudonym is
stored, and it still finds and erases its conversation."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_an_e_mail_as_conversation_id_is_never_stored(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    conversation = "jean.dupont@example.com"
    for prompt in ("Bonjour", "Et ensuite ?"):
        response = client.post("/predict", json={"prompt": prompt, "conversation_id": conversation})
        assert response.status_code == 200
        assert response.json()["conversation_id"] == conversation
    service = client.app.state.service  # type: ignore[attr-defined]
    service.writer.flush()
    turns = client.get(f"/conversations/{conversation}", headers=admin_headers)
    assert turns.status_code == 200 and len(turns.json()["turns"]) == 2
    erased = client.delete(f"/conversations/{conversation}", headers=admin_headers)
    assert erased.status_code == 200
    service.writer.flush()
    dump = "\n".join(str(row) for row in service.store.export_audit())
    records = [service.store.get_request(t["request_id"]) for t in turns.json()["turns"]]
    assert all(record.conversation_id.startswith("conv:") for record in records)
    assert conversation not in dump and "dupont" not in dump
