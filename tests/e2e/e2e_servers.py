"""Helpers for end-to-end tests against real servers on loopback (fixtures: conftest.py).

Every server (the aimonitor service, Prometheus, Alertmanager, VictoriaMetrics, vmalert)
runs as a subprocess in a temporary directory, on a free port, and is terminated at the
end of the module. A missing binary skips the tests with the reason, except under
CI=true where it fails (CI installs them: scripts/install-system-deps.sh).
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

STARTUP_TIMEOUT_S = 30.0


@dataclass
class Server:
    """A subprocess listening on 127.0.0.1:port, with its output in a log file."""

    name: str
    process: subprocess.Popen[bytes]
    port: int
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_tail(self, lines: int = 30) -> str:
        text = self.log_path.read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def wait_ready(self, path: str, timeout_s: float = STARTUP_TIMEOUT_S) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(
                    f"{self.name} exited with {self.process.returncode}:\n{self.log_tail()}"
                )
            try:
                if httpx.get(self.url + path, timeout=1.0).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        pytest.fail(
            f"{self.name} not ready on {self.url}{path} in {timeout_s}s:\n{self.log_tail()}"
        )

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def start_server(
    name: str, argv: list[str], port: int, workdir: Path, env: dict[str, str] | None = None
) -> Server:
    workdir.mkdir(parents=True, exist_ok=True)
    log_path = workdir / f"{name}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            argv, cwd=workdir, stdout=log, stderr=subprocess.STDOUT, env=env or dict(os.environ)
        )
    return Server(name, process, port, log_path)


@dataclass
class WebhookReceiver:
    """Alertmanager webhook payloads received by a small HTTP server in a thread."""

    port: int
    payloads: list[dict[str, Any]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def alerts(self) -> list[tuple[str, dict[str, Any]]]:
        """(receiver, alert) for every alert of every payload received so far."""
        with self.lock:
            return [(p["receiver"], alert) for p in self.payloads for alert in p["alerts"]]
