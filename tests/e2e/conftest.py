"""Fixtures for end-to-end tests: the aimonitor service, a webhook receiver, and the
list of servers a module started (all terminated at the module's end)."""

from __future__ import annotations

import json
import os
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

# pytest runs with --import-mode=importlib, which leaves sys.path alone: make the helper
# modules importable by the tests: e2e_servers (here) and promql_names (tests/deploy).
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "deploy"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from e2e_servers import Server, WebhookReceiver, start_server

from support.servers import free_port


@pytest.fixture(scope="module")
def servers() -> Iterator[list[Server]]:
    """Collects the servers a module starts and stops them all at its end."""
    started: list[Server] = []
    yield started
    for server in reversed(started):
        server.stop()


@pytest.fixture(scope="module")
def aimonitor_service(servers: list[Server], tmp_path_factory: pytest.TempPathFactory) -> Server:
    """The real service (`python -m aimonitor.cli serve`) with the simulated model, no
    simulated latency and a rate limit too high to interfere."""
    workdir = tmp_path_factory.mktemp("aimonitor")
    port = free_port()
    env = {
        **os.environ,
        "AIMONITOR_SIM_LATENCY_SCALE": "0",
        "AIMONITOR_DATA_DIR": str(workdir / "data"),
        "AIMONITOR_LOG_DIR": str(workdir / "logs"),
        "AIMONITOR_RATE_LIMIT_PER_MINUTE": "100000",
        "AIMONITOR_DAILY_BUDGET_EUR": "50",
    }
    env.pop("OTEL_EXPORTER_OTLP_ENDPOINT", None)
    argv = [sys.executable, "-m", "aimonitor.cli", "serve", "--host", "127.0.0.1"]
    server = start_server("aimonitor", [*argv, "--port", str(port)], port, workdir, env)
    servers.append(server)
    server.wait_ready("/health")
    return server


@pytest.fixture(scope="module")
def webhook() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver(port=0)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with receiver.lock:
                receiver.payloads.append(json.loads(body))
            self.send_response(200)
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep the test output clean

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.port = httpd.server_address[1]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield receiver
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)
