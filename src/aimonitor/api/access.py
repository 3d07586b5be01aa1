"""Who may read and who may change: API keys, and the console's session.

Two keys set by the operator decide access: `AIMONITOR_ADMIN_API_KEY` (everything) and
`AIMONITOR_VIEWER_API_KEY` (read only). A program sends its key as `X-API-Key` or
`Authorization: Bearer`. The console logs in once with a key and then holds a session
cookie instead: HttpOnly (no script can read it), SameSite=Strict (no other site makes
the browser send it), signed with the service's secret, expiring, and bound to the key
it was opened with (changing the key ends its sessions). The cookie never holds the key.

A change made with the cookie must also carry the session's CSRF token in a header
(a page of another origin cannot read it) and, when the browser sends one, an `Origin`
naming this host.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, HTTPException, Request, Response, Security, status
from fastapi.security import APIKeyCookie

from aimonitor.api.deps import KeysDeclared, ServiceDep, presented_key
from aimonitor.service import Service

SESSION_COOKIE = "aimonitor_session"
CSRF_HEADER = "X-CSRF-Token"
SESSION_TTL_S = 8 * 3600
# Keeps the session's MAC key apart from the other uses of the service's secret.
_SESSION_CONTEXT = b"aimonitor console session v1"
_CSRF_CONTEXT = b"csrf:"


class Role(StrEnum):
    ADMIN = "admin"
    VIEWER = "viewer"
    # An application's own client key: reads its own conversations, nothing else.
    CLIENT = "client"


@dataclass(frozen=True, slots=True)
class Principal:
    """Whoever made the request, as far as access goes."""

    role: Role
    actor: str  # a pseudonym of the key, for the audit trail
    via: str  # "key" or "session"
    client: str | None = None  # for Role.CLIENT: the client whose records it may read
    csrf_token: str | None = None  # sessions only
    expires_at: int | None = None  # sessions only (Unix time)

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    def may_read_records_of(self, clients: set[str]) -> bool:
        """Whether records written for these clients may be shown: operators read
        everything; an application key reads only records that are all its own."""
        if self.role in (Role.ADMIN, Role.VIEWER):
            return True
        return self.client is not None and clients == {self.client}


def key_fingerprint(secret: bytes, key: str) -> str:
    """The pseudonym of a key: the same one `deps.require_admin` writes in the audit trail."""
    return hmac.new(secret, key.encode(), hashlib.sha256).hexdigest()[:16]


def _configured_keys(service: Service) -> dict[Role, str]:
    keys: dict[Role, str] = {}
    if service.settings.admin_api_key:
        keys[Role.ADMIN] = service.settings.admin_api_key
    if service.settings.viewer_api_key:
        keys[Role.VIEWER] = service.settings.viewer_api_key
    return keys


def resolve_client_key(service: Service, key: str) -> str | None:
    """The client an application key stands for, as its records name it (`key:<name>`,
    see api/gateway/clients.py), or None for a key that is unknown or revoked."""
    found = service.client_keys.verify(key)
    return None if found is None else f"key:{found.name}"


def authenticate_key(service: Service, key: str) -> Principal | None:
    """The principal a presented key stands for, or None for an unknown key."""
    matched: Role | None = None
    for role, configured in _configured_keys(service).items():
        # Compare against every key, so the time taken does not tell which one matched.
        if hmac.compare_digest(key.encode(), configured.encode()):
            matched = role
    fingerprint = key_fingerprint(service.secret, key)
    if matched is not None:
        return Principal(role=matched, actor=f"{matched.value}:{fingerprint}", via="key")
    client = resolve_client_key(service, key)
    if client is not None:
        return Principal(role=Role.CLIENT, actor=f"client:{fingerprint}", via="key", client=client)
    return None


# --- sessions ---------------------------------------------------------------------


def _session_key(secret: bytes) -> bytes:
    return hmac.new(secret, _SESSION_CONTEXT, hashlib.sha256).digest()


def _sign(secret: bytes, payload: bytes) -> str:
    return hmac.new(_session_key(secret), payload, hashlib.sha256).hexdigest()


def _csrf_token(secret: bytes, nonce: str) -> str:
    return hmac.new(
        _session_key(secret), _CSRF_CONTEXT + nonce.encode(), hashlib.sha256
    ).hexdigest()


def open_session(service: Service, principal: Principal, key: str) -> tuple[str, Principal]:
    """A signed cookie value for a principal that logged in with `key`, and the
    principal as the session will present it."""
    expires_at = int(time.time()) + SESSION_TTL_S
    nonce = secrets.token_urlsafe(16)
    fingerprint = key_fingerprint(service.secret, key)
    payload = f"{principal.role.value}|{expires_at}|{nonce}|{fingerprint}".encode()
    value = base64.urlsafe_b64encode(payload).decode().rstrip("=")
    cookie = f"{value}.{_sign(service.secret, payload)}"
    return cookie, _session_principal(service, principal.role, fingerprint, nonce, expires_at)


def _session_principal(
    service: Service, role: Role, fingerprint: str, nonce: str, expires_at: int
) -> Principal:
    return Principal(
        role=role,
        actor=f"{role.value}:{fingerprint}",
        via="session",
        csrf_token=_csrf_token(service.secret, nonce),
        expires_at=expires_at,
    )


def read_session(service: Service, cookie: str, now: float | None = None) -> Principal | None:
    """The principal of a valid, unexpired session whose key is still configured."""
    value, _, signature = cookie.partition(".")
    if not value or len(cookie) > 512:
        return None
    try:
        payload = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except ValueError:
        return None
    if not hmac.compare_digest(signature, _sign(service.secret, payload)):
        return None
    try:
        role_name, expires, nonce, fingerprint = payload.decode().split("|")
        role, expires_at = Role(role_name), int(expires)
    except ValueError:
        return None
    if expires_at <= (time.time() if now is None else now):
        return None
    configured = _configured_keys(service).get(role)
    if configured is None or key_fingerprint(service.secret, configured) != fingerprint:
        return None  # the key was changed or removed: its sessions end with it
    return _session_principal(service, role, fingerprint, nonce, expires_at)


def set_session_cookie(response: Response, request: Request, cookie: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        cookie,
        max_age=SESSION_TTL_S,
        path="/",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )


def clear_session_cookie(response: Response, request: Request) -> None:
    response.delete_cookie(
        SESSION_COOKIE,
        path="/",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )


def check_same_origin(request: Request) -> None:
    """Refuse a browser request sent by a page of another origin."""
    origin = request.headers.get("origin")
    host = request.headers.get("host", "")
    if origin is not None and urlsplit(origin).netloc != host:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "cross-origin request refused")
    site = request.headers.get("sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        raise HTTPException(status.HTTP_403_FORBIDDEN, "cross-site request refused")


# --- dependencies -----------------------------------------------------------------
# `async` although they await nothing: FastAPI runs a plain `def` dependency in its
# thread pool, and these only compare a few bytes.


def _no_keys(service: Service) -> HTTPException | None:
    if _configured_keys(service):
        return None
    return HTTPException(
        status.HTTP_403_FORBIDDEN,
        "read access is disabled: set AIMONITOR_VIEWER_API_KEY or AIMONITOR_ADMIN_API_KEY",
    )


def _unauthenticated() -> HTTPException:
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED,
        "a key is required (X-API-Key header or Authorization: Bearer), or a console session",
        headers={"WWW-Authenticate": "Bearer"},
    )


def _principal(request: Request, service: Service) -> Principal:
    key = presented_key(request)
    if key is not None:
        principal = authenticate_key(service, key)
        if principal is None:
            refused = _no_keys(service)
            raise refused or HTTPException(status.HTTP_403_FORBIDDEN, "invalid key")
        return principal
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        session = read_session(service, cookie)
        if session is not None:
            return session
    raise _no_keys(service) or _unauthenticated()


# The session cookie as a security scheme, for the OpenAPI page; `_principal` reads it.
_SESSION = APIKeyCookie(
    name=SESSION_COOKIE,
    scheme_name="ConsoleSession",
    description="The console's session (POST /console/api/session)",
    auto_error=False,
)
SessionDeclared = Annotated[str | None, Security(_SESSION)]


async def require_viewer(
    request: Request, service: ServiceDep, _keys: KeysDeclared, _session: SessionDeclared
) -> Principal:
    """Read access: the admin or the viewer key, sent as a header or through a
    console session."""
    principal = _principal(request, service)
    if principal.role is Role.CLIENT:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN, "an application key reads only its own conversations"
        )
    return principal


async def require_record_reader(
    request: Request, service: ServiceDep, _keys: KeysDeclared, _session: SessionDeclared
) -> Principal:
    """Read access to stored records: the admin or viewer key, or an application's
    client key (the route then shows only that client's records)."""
    return _principal(request, service)


async def require_console_admin(
    request: Request, service: ServiceDep, _keys: KeysDeclared, _session: SessionDeclared
) -> Principal:
    """A change: the admin key in a header, or an admin console session whose request
    carries the session's CSRF token and comes from this origin."""
    principal = _principal(request, service)
    if not principal.is_admin:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "this change needs the admin key")
    if principal.via == "session":
        check_same_origin(request)
        token = request.headers.get(CSRF_HEADER, "")
        if not principal.csrf_token or not hmac.compare_digest(token, principal.csrf_token):
            raise HTTPException(status.HTTP_403_FORBIDDEN, f"missing or wrong {CSRF_HEADER}")
    return principal


ViewerDep = Annotated[Principal, Depends(require_viewer)]
RecordReaderDep = Annotated[Principal, Depends(require_record_reader)]
ConsoleAdminDep = Annotated[Principal, Depends(require_console_admin)]
