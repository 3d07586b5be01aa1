"""Run the real `aimonitor serve` in a subprocess on a free loopback port."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import httpx

from support.servers import free_port


@dataclass
class ServiceProcess:
    proc: subprocess.Popen[bytes]
    base_url: str
    workdir: Path


@contextmanager
def running_service(
    workdir: Path,
    env: Mapping[str, str],
    output: IO[bytes] | int = subprocess.DEVNULL,
    start_timeout_s: float = 60.0,
    new_session: bool = False,
    workers: int = 1,
) -> Iterator[ServiceProcess]:
    """Starts the service with `env` added to the environment (data and logs under
    `workdir` unless `env` says otherwise), waits for /health, and stops it with SIGTERM
    at the end (waiting for the drain). `new_session`: in a process group of its own
    (whose id is the server's pid), which a test may then kill whole. With several
    `workers`, waits until each has answered /health."""
    port = free_port()
    full_env = dict(os.environ)
    full_env.update(
        AIMONITOR_DATA_DIR=str(workdir / "data"),
        AIMONITOR_LOG_DIR=str(workdir / "logs"),
        AIMONITOR_SIM_LATENCY_SCALE="0",
    )
    full_env.update(env)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "aimonitor",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
        ],
        env=full_env,
        cwd=workdir,
        stdout=output,
        stderr=subprocess.STDOUT,
        start_new_session=new_session,
    )
    service = ServiceProcess(proc, f"http://127.0.0.1:{port}", workdir)
    try:
        deadline = time.monotonic() + start_timeout_s
        seen: set[int] = set()
        while True:
            try:
                response = httpx.get(f"{service.base_url}/health", timeout=1)
                if response.status_code == 200:
                    seen.add(response.json()["worker_pid"])
                    if len(seen) >= workers:
                        break
                    continue
            except httpx.HTTPError:
                pass
            if proc.poll() is not None:
                raise RuntimeError(f"aimonitor serve exited with {proc.returncode}")
            if time.monotonic() > deadline:
                raise RuntimeError("aimonitor serve did not become healthy")
            time.sleep(0.2)
        yield service
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
