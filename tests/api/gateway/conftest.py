"""The gateway served for real (uvicorn on loopback) in front of the fake upstream."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from aimonitor.api import create_app
from aimonitor.backends.fake_upstream import FakeUpstream
from aimonitor.config import load_settings
from aimonitor.service import Service
from support.servers import free_port

UPSTREAMS = """
upstreams:
  - name: fake
    base_url: {url}/v1
    provider: openai
    models: ["fake-*"]
    timeout_s: {timeout}
    max_retries: 1
"""


@dataclass
class Gateway:
    url: str
    service: Service
    upstream: FakeUpstream

    @property
    def base_url(self) -> str:
        return f"{self.url}/v1"

    def record(self, request_id: str, timeout_s: float = 5.0) -> Any:
        deadline = time.monotonic() + timeout_s
        while True:
            self.service.writer.flush()
            record = self.service.store.get_request(request_id)
            if record is not None or time.monotonic() > deadline:
                return record
            time.sleep(0.05)


def serve_gateway(tmp_path: Path, **overrides: Any) -> Iterator[Gateway]:
    upstream = FakeUpstream()
    upstream.start()
    upstreams_file = tmp_path / "upstreams.yaml"
    upstreams_file.write_text(UPSTREAMS.format(url=upstream.url, timeout=1.0))
    settings = load_settings(
        data_dir=tmp_path / "data",
        log_dir=tmp_path / "logs",
        sim_latency_scale=0.0,
        upstreams_file=upstreams_file,
        **overrides,
    )
    app = create_app(settings)
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, access_log=False)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the gateway did not start")
        time.sleep(0.05)
    try:
        yield Gateway(f"http://127.0.0.1:{port}", app.state.service, upstream)
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        upstream.stop()


@pytest.fixture
def gateway(tmp_path: Path) -> Iterator[Gateway]:
    yield from serve_gateway(tmp_path)
