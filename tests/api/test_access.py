"""Keys, console sessions and CSRF checks (`aimonitor.api.access`)."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from aimonitor.api.access import (
    CSRF_HEADER,
    SESSION_COOKIE,
    ConsoleAdminDep,
    Principal,
    Role,
    ViewerDep,
    authenticate_key,
    open_session,
    read_session,
)
from aimonitor.service import Service
from api.conftest import ADMIN_KEY

VIEWER_KEY = "test-viewer-key-0123456789"


@pytest.fixture
def service(make_settings: Any) -> Iterator[Service]:
    service = Service(make_settings(viewer_api_key=VIEWER_KEY))
    yield service
    asyncio.run(service.stop())


@pytest.fixture
def app_client(service: Service) -> Iterator[TestClient]:
    app = FastAPI()
    app.state.service = service

    @app.get("/read")
    async def read(principal: ViewerDep) -> dict[str, str]:
        return {"role": principal.role.value, "actor": principal.actor}

    @app.put("/change")
    async def change(principal: ConsoleAdminDep) -> dict[str, str]:
        return {"role": principal.role.value}

    with TestClient(app, base_url="http://testserver") as client:
        yield client


def _session(service: Service, key: str) -> tuple[str, Principal]:
    principal = authenticate_key(service, key)
    assert principal is not None
    return open_session(service, principal, key)


def test_keys_map_to_roles(service: Service) -> None:
    admin = authenticate_key(service, ADMIN_KEY)
    viewer = authenticate_key(service, VIEWER_KEY)
    assert admin is not None and admin.role is Role.ADMIN
    assert viewer is not None and viewer.role is Role.VIEWER
    assert authenticate_key(service, "neither-of-the-two-keys") is None
    # The actor is a pseudonym, never the key.
    assert ADMIN_KEY not in admin.actor and admin.actor.startswith("admin:")


def test_a_session_holds_a_signed_role_not_the_key(service: Service) -> None:
    cookie, principal = _session(service, VIEWER_KEY)
    assert VIEWER_KEY not in cookie
    read = read_session(service, cookie)
    assert read == principal
    assert read is not None and read.role is Role.VIEWER and read.csrf_token


def test_a_tampered_session_is_refused(service: Service) -> None:
    cookie, _ = _session(service, VIEWER_KEY)
    value, _, signature = cookie.partition(".")
    payload = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
    forged = payload.replace("viewer", "admin", 1).encode()
    forged_value = base64.urlsafe_b64encode(forged).decode().rstrip("=")
    assert read_session(service, f"{forged_value}.{signature}") is None
    assert read_session(service, cookie[:-1] + ("0" if cookie[-1] != "0" else "1")) is None
    assert read_session(service, "garbage") is None
    assert read_session(service, "") is None


def test_a_session_expires(service: Service) -> None:
    cookie, principal = _session(service, ADMIN_KEY)
    assert principal.expires_at is not None
    assert read_session(service, cookie, now=principal.expires_at - 1) is not None
    assert read_session(service, cookie, now=principal.expires_at) is None


def test_changing_the_key_ends_its_sessions(service: Service) -> None:
    cookie, _ = _session(service, VIEWER_KEY)
    service.settings = service.settings.model_copy(
        update={"viewer_api_key": "another-viewer-key-98765"}
    )
    assert read_session(service, cookie) is None


def test_read_access_by_header_or_session(app_client: TestClient, service: Service) -> None:
    assert app_client.get("/read").status_code == 401
    assert app_client.get("/read", headers={"X-API-Key": "bad-key"}).status_code == 403
    by_key = app_client.get("/read", headers={"Authorization": f"Bearer {VIEWER_KEY}"})
    assert by_key.json()["role"] == "viewer"
    cookie, _ = _session(service, VIEWER_KEY)
    app_client.cookies.set(SESSION_COOKIE, cookie)
    assert app_client.get("/read").json()["role"] == "viewer"


def test_changes_need_the_admin_role(app_client: TestClient, service: Service) -> None:
    assert app_client.put("/change", headers={"X-API-Key": VIEWER_KEY}).status_code == 403
    assert app_client.put("/change", headers={"X-API-Key": ADMIN_KEY}).status_code == 200
    cookie, principal = _session(service, VIEWER_KEY)
    app_client.cookies.set(SESSION_COOKIE, cookie)
    headers = {CSRF_HEADER: principal.csrf_token or ""}
    assert app_client.put("/change", headers=headers).status_code == 403


def test_a_session_change_needs_its_csrf_token_and_this_origin(
    app_client: TestClient, service: Service
) -> None:
    cookie, principal = _session(service, ADMIN_KEY)
    _, other = _session(service, ADMIN_KEY)
    assert principal.csrf_token != other.csrf_token
    app_client.cookies.set(SESSION_COOKIE, cookie)
    token = principal.csrf_token or ""
    assert app_client.put("/change").status_code == 403
    assert (
        app_client.put("/change", headers={CSRF_HEADER: other.csrf_token or ""}).status_code == 403
    )
    assert app_client.put("/change", headers={CSRF_HEADER: token}).status_code == 200
    same = {CSRF_HEADER: token, "Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"}
    assert app_client.put("/change", headers=same).status_code == 200
    evil = {CSRF_HEADER: token, "Origin": "http://evil.example"}
    assert app_client.put("/change", headers=evil).status_code == 403
    cross = {CSRF_HEADER: token, "Sec-Fetch-Site": "cross-site"}
    assert app_client.put("/change", headers=cross).status_code == 403


def test_an_application_key_reads_only_its_own_records() -> None:
    client = Principal(role=Role.CLIENT, actor="client:x", via="key", client="c1")
    viewer = Principal(role=Role.VIEWER, actor="viewer:x", via="key")
    assert client.may_read_records_of({"c1"})
    assert not client.may_read_records_of({"c1", "c2"})
    assert not client.may_read_records_of({"c2"})
    assert viewer.may_read_records_of({"c1", "c2"})


def test_no_configured_key_closes_read_access(make_settings: Any) -> None:
    service = Service(make_settings(admin_api_key=None))
    app = FastAPI()
    app.state.service = service

    @app.get("/read")
    async def read(principal: ViewerDep) -> dict[str, str]:
        return {"role": principal.role.value}

    try:
        with TestClient(app) as client:
            response = client.get("/read", headers={"X-API-Key": "anything-at-all-1234"})
            assert response.status_code == 403
            assert "AIMONITOR_VIEWER_API_KEY" in response.json()["detail"]
    finally:
        asyncio.run(service.stop())
