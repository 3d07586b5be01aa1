"""Dependencies shared by the routes: the service, the admin check, the client."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from typing import Annotated

from fastapi import Depends, HTTPException, Request, Security, status
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from aimonitor.service import Service


async def get_service(request: Request) -> Service:
    # async although it awaits nothing: FastAPI runs a plain `def` dependency in its
    # thread pool, a thread switch on every request for one attribute read.
    service: Service = request.app.state.service
    return service


ServiceDep = Annotated[Service, Depends(get_service)]


def presented_key(request: Request) -> str | None:
    """The API key sent as `X-API-Key: k` or `Authorization: Bearer k`."""
    key = request.headers.get("x-api-key")
    if key:
        return key.strip()
    auth = request.headers.get("authorization", "")
    scheme, _, token = auth.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None


# How a key may be sent, declared for the OpenAPI page; `presented_key` reads it.
_API_KEY_HEADER = APIKeyHeader(
    name="X-API-Key",
    scheme_name="ApiKey",
    description="AIMONITOR_ADMIN_API_KEY, or AIMONITOR_VIEWER_API_KEY for reads",
    auto_error=False,
)
_BEARER = HTTPBearer(
    scheme_name="Bearer",
    description="The same keys as `Authorization: Bearer`",
    auto_error=False,
)


async def declare_keys(
    _key: Annotated[str | None, Security(_API_KEY_HEADER)],
    _bearer: Annotated[HTTPAuthorizationCredentials | None, Security(_BEARER)],
) -> None:
    """Declares the two ways to send a key (the routes' checks read them)."""


KeysDeclared = Annotated[None, Depends(declare_keys)]


def require_admin(request: Request, service: ServiceDep, _: KeysDeclared) -> str:
    """Admin operations are never open: no configured key means nobody is admin.
    Returns a pseudonym of the key, for the audit trail."""
    configured = service.settings.admin_api_key
    if not configured:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            "admin operations are disabled: set AIMONITOR_ADMIN_API_KEY to enable them",
        )
    key = presented_key(request)
    if key is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "admin key required (X-API-Key header or Authorization: Bearer)",
            headers={"WWW-Authenticate": "Bearer"},
        )
    if not hmac.compare_digest(key.encode(), configured.encode()):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "invalid admin key")
    digest = hmac.new(service.secret, key.encode(), hashlib.sha256).hexdigest()
    return "admin:" + digest[:16]


AdminDep = Annotated[str, Depends(require_admin)]


def client_address(request: Request, service: ServiceDep) -> str | None:
    """The client's network address. Behind proxies (AIMONITOR_TRUST_PROXY_HEADERS), the
    right-most X-Forwarded-For entry that is not a trusted proxy: each trusted proxy
    appends the address it received from, while the left-most entries are whatever the
    client wrote."""
    peer = request.client.host if request.client else None
    settings = service.settings
    if not settings.trust_proxy_headers or not _trusted(peer, settings.trusted_proxies):
        return peer
    hops = [
        hop.strip()
        for header in request.headers.getlist("x-forwarded-for")
        for hop in header.split(",")
    ]
    for hop in reversed(hops):
        if hop and not _trusted(hop, settings.trusted_proxies):
            return hop
    return peer


def _trusted(address: str | None, proxies: str) -> bool:
    if address is None:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    for proxy in proxies.split(","):
        proxy = proxy.strip()
        if proxy:
            try:
                if ip in ipaddress.ip_network(proxy, strict=False):
                    return True
            except ValueError:
                continue
    return False
