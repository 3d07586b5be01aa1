"""Who the gateway's client is. With client keys configured, the `Authorization:
Bearer` key decides (its name labels metrics; its limits, budget and models apply).
With none configured, the gateway serves loopback only, whatever `Authorization` the
client sends (the OpenAI SDK always sends one), and limits key on the address."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from fastapi import Request

from aimonitor.api.deps import client_address, presented_key
from aimonitor.api.gateway.errors import OpenAIError
from aimonitor.backends.upstream_types import Upstream
from aimonitor.clients.model import ClientKey
from aimonitor.guardrails import client_key
from aimonitor.service import Service


@dataclass(frozen=True, slots=True)
class GatewayClient:
    name: str  # a key's name, or "anonymous": a bounded metric label
    pseudonym: str  # what limits and records key on
    key: ClientKey | None = None

    def check_model(self, model: str) -> None:
        if self.key is not None and not self.key.allows(model):
            raise OpenAIError(
                403, f"this client key may not call the model {model!r}", "model_not_allowed"
            )


def routed_upstream(service: Service, model: str, client: GatewayClient) -> Upstream:
    """The upstream that serves `model`, when this client may call it."""
    upstream = service.upstreams.resolve(model)
    if upstream is None:
        raise OpenAIError(
            404, f"no upstream serves the model {model!r}", "model_not_found", "model"
        )
    client.check_model(model)
    return upstream


async def gateway_client(request: Request, service: Service) -> GatewayClient:
    keys = service.client_keys
    if keys.has_keys:
        token = presented_key(request)
        if token is None:
            raise OpenAIError(401, "a client key is required (Authorization: Bearer)")
        key = keys.verify(token)
        if key is None:
            raise OpenAIError(401, "unknown or revoked client key", "invalid_api_key")
        return GatewayClient(name=key.name, pseudonym=f"key:{key.name}", key=key)
    address = client_address(request, service)
    if not _is_loopback(address):
        raise OpenAIError(
            403, "no client keys are configured: the gateway serves loopback only", "no_keys"
        )
    return GatewayClient(
        name="anonymous", pseudonym=client_key(None, None, address, service.secret)
    )


def _is_loopback(address: str | None) -> bool:
    if address is None:
        return False
    if address == "testclient":  # Starlette's test client
        return True
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False
