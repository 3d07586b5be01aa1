"""The admin API for client keys."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from aimonitor.api import create_app
from aimonitor.api.routes.keys import router
from aimonitor.clients import ClientKeyStore, KeyVerifier
from aimonitor.config import load_settings

ADMIN_KEY = "test-admin-key-0123456789"
ADMIN = {"X-API-Key": ADMIN_KEY}


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    settings = load_settings(
        data_dir=tmp_path / "data",
        log_dir=tmp_path / "logs",
        sim_latency_scale=0.0,
        admin_api_key=ADMIN_KEY,
    )
    app = create_app(settings)
    app.include_router(router)
    with TestClient(app) as test_client:
        app.state.client_keys = ClientKeyStore(app.state.service.store.engine)
        yield test_client


def test_create_list_revoke(client: TestClient) -> None:
    body = {"name": "billing-bot", "rpm": 600, "daily_budget_eur": 20, "allowed_models": ["m*"]}
    created = client.post("/keys", json=body, headers=ADMIN)
    assert created.status_code == 201
    token = created.json()["token"]
    assert created.json()["key"]["allowed_models"] == ["m*"]
    listed = client.get("/keys", headers=ADMIN).json()["keys"]
    assert [k["name"] for k in listed] == ["billing-bot"] and token not in str(listed)
    verifier = KeyVerifier(client.app.state.client_keys)  # type: ignore[attr-defined]
    assert verifier.verify(token) is not None
    revoked = client.delete("/keys/billing-bot", headers=ADMIN)
    assert revoked.status_code == 200 and revoked.json()["key"]["revoked_at"]
    assert client.get("/keys?include_revoked=false", headers=ADMIN).json() == {"keys": []}


def test_errors_are_clear(client: TestClient) -> None:
    client.post("/keys", json={"name": "bot", "rpm": 1}, headers=ADMIN)
    assert client.post("/keys", json={"name": "bot", "rpm": 1}, headers=ADMIN).status_code == 409
    assert client.delete("/keys/nobody", headers=ADMIN).status_code == 404
    bad_name = client.post("/keys", json={"name": "Bad Name", "rpm": 1}, headers=ADMIN)
    assert bad_name.status_code == 422 and "name" in bad_name.json()["detail"]
    assert client.post("/keys", json={"name": "b", "rpm": 0}, headers=ADMIN).status_code == 422
    extra = client.post("/keys", json={"name": "b", "rpm": 1, "x": 1}, headers=ADMIN)
    assert extra.status_code == 422


def test_admin_key_is_required(client: TestClient) -> None:
    assert client.get("/keys").status_code == 401
    assert client.get("/keys", headers={"X-API-Key": "wrong-key-0123456789"}).status_code == 403
    assert client.post("/keys", json={"name": "b", "rpm": 1}).status_code == 401
    assert client.delete("/keys/b").status_code == 401
