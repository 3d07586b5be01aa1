"""Client API keys over the admin API: `POST /keys`, `GET /keys`, `DELETE /keys/{name}`.

The router reads the key store from `app.state.client_keys` (a `ClientKeyStore` over the
service database). Every route needs the admin key; the token is in the answer of
`POST /keys` only.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field

from aimonitor.api.deps import AdminDep
from aimonitor.api.schemas import (
    ClientKeyCreated,
    ClientKeyList,
    ClientKeyRevoked,
    error_responses,
    invalid,
)
from aimonitor.clients import ClientKeyError, ClientKeyStore, KeyExistsError, KeyNotFoundError
from aimonitor.clients.model import MAX_MODELS, MAX_RPM, NAME_PATTERN
from aimonitor.console.models import ClientKeyView
from aimonitor.service import Service

router = APIRouter(prefix="/keys", tags=["keys"])


async def get_key_store(request: Request) -> ClientKeyStore:
    store: ClientKeyStore = request.app.state.client_keys
    return store


KeyStoreDep = Annotated[ClientKeyStore, Depends(get_key_store)]


class KeyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=64, pattern=NAME_PATTERN.pattern)
    rpm: int = Field(ge=1, le=MAX_RPM)
    daily_budget_eur: float | None = Field(None, ge=0, le=1e9)
    allowed_models: list[str] | None = Field(None, min_length=1, max_length=MAX_MODELS)


def _http_error(exc: ClientKeyError) -> HTTPException | RequestValidationError:
    if isinstance(exc, KeyExistsError):
        return HTTPException(status.HTTP_409_CONFLICT, str(exc))
    if isinstance(exc, KeyNotFoundError):
        return HTTPException(status.HTTP_404_NOT_FOUND, str(exc))
    return invalid(str(exc))


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Create a client key (admin)",
    responses=error_responses(401, 403, 413, described={409: "A key of this name exists"}),
)
async def create_key(
    body: KeyCreate, store: KeyStoreDep, actor: AdminDep, request: Request
) -> ClientKeyCreated:
    del actor
    try:
        key, token = await run_in_threadpool(
            lambda: store.create(
                body.name,
                rpm=body.rpm,
                daily_budget_eur=body.daily_budget_eur,
                allowed_models=body.allowed_models,
            )
        )
    except ClientKeyError as exc:
        raise _http_error(exc) from None
    await _reload_verifier(request)
    return ClientKeyCreated(
        key=ClientKeyView(**key.to_dict()), token=token, note="the token is shown only once"
    )


@router.get(
    "",
    summary="Client keys, without their tokens (admin)",
    responses=error_responses(401, 403),
)
async def list_keys(
    store: KeyStoreDep, actor: AdminDep, include_revoked: bool = True
) -> ClientKeyList:
    del actor
    keys = await run_in_threadpool(lambda: store.list(include_revoked=include_revoked))
    return ClientKeyList(keys=[ClientKeyView(**key.to_dict()) for key in keys])


@router.delete(
    "/{name}",
    summary="Revoke a client key (admin)",
    responses=error_responses(401, 403, described={404: "Unknown key"}),
)
async def revoke_key(
    name: str, store: KeyStoreDep, actor: AdminDep, request: Request
) -> ClientKeyRevoked:
    del actor
    try:
        key = await run_in_threadpool(store.revoke, name)
    except ClientKeyError as exc:
        raise _http_error(exc) from None
    await _reload_verifier(request)
    return ClientKeyRevoked(status="revoked", key=ClientKeyView(**key.to_dict()))


async def _reload_verifier(request: Request) -> None:
    """A created key works, a revoked one stops, at once in this process (other
    processes reload within AIMONITOR_CLIENT_KEYS_REFRESH_S)."""
    service: Service = request.app.state.service
    await run_in_threadpool(service.client_keys.refresh)
