"""Which address limits key on: the peer's, unless trusted proxies say otherwise."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from starlette.datastructures import Headers

from aimonitor.api.deps import client_address
from aimonitor.config import ConfigError, load_settings
from support.service_process import running_service


def _request(peer: str, *forwarded: str) -> Any:
    headers = Headers(raw=[(b"x-forwarded-for", value.encode()) for value in forwarded])
    return SimpleNamespace(client=SimpleNamespace(host=peer), headers=headers)


def _service(trust: bool, proxies: str = "127.0.0.1,::1,10.0.0.0/8") -> Any:
    return SimpleNamespace(
        settings=SimpleNamespace(trust_proxy_headers=trust, trusted_proxies=proxies)
    )


def test_forwarded_headers_are_ignored_unless_trusted() -> None:
    request = _request("127.0.0.1", "203.0.113.9")
    assert client_address(request, _service(trust=False)) == "127.0.0.1"


def test_the_right_most_untrusted_entry_is_the_client() -> None:
    # The client wrote 6.6.6.6 itself; the proxy at 10.1.2.3 appended what it saw.
    request = _request("127.0.0.1", "6.6.6.6, 198.51.100.7, 10.1.2.3")
    assert client_address(request, _service(trust=True)) == "198.51.100.7"


def test_a_peer_that_is_not_a_trusted_proxy_is_the_client() -> None:
    request = _request("198.51.100.20", "6.6.6.6")
    assert client_address(request, _service(trust=True)) == "198.51.100.20"


def test_trusted_proxies_are_checked_at_start(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="TRUSTED_PROXIES"):
        load_settings(data_dir=tmp_path, trusted_proxies="10.0.0.0/8,not-an-address")


def test_the_server_does_not_believe_forwarded_headers_from_loopback(tmp_path: Path) -> None:
    env = {"AIMONITOR_RATE_LIMIT_PER_MINUTE": "3"}
    with running_service(tmp_path, env) as service:
        codes = [
            httpx.post(
                f"{service.base_url}/predict",
                json={"prompt": "hello there"},
                headers={"X-Forwarded-For": f"203.0.113.{i}"},
            ).status_code
            for i in range(5)
        ]
    assert codes == [200, 200, 200, 429, 429]
