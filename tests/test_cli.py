from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from aimonitor.cli import build_parser, main


def test_parser_knows_every_command() -> None:
    parser = build_parser()
    for argv in (["serve", "--port", "9999"], ["scan"], ["audit", "verify"], ["drift", "show"]):
        assert callable(parser.parse_args(argv).func)


def test_no_command_prints_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert "serve" in capsys.readouterr().out


def test_serve_refuses_bad_settings(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SLO_QUALITY_THRESHOLD", "2")
    assert main(["serve"]) == 2
    assert "SLO_QUALITY_THRESHOLD" in capsys.readouterr().err


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.timeout(120)
def test_real_serve_process_answers_and_drains_on_sigterm(tmp_path: Path) -> None:
    port = _free_port()
    env = dict(os.environ)
    env.update(
        AIMONITOR_DATA_DIR=str(tmp_path / "data"),
        AIMONITOR_LOG_DIR=str(tmp_path / "logs"),
        AIMONITOR_SIM_LATENCY_SCALE="0",
        # A long flush interval: records are still in the queue when SIGTERM arrives.
        AIMONITOR_WRITE_FLUSH_INTERVAL_S="30",
        AIMONITOR_WRITE_BATCH_SIZE="100000",
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "aimonitor", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert proc.poll() is None, proc.stdout.read().decode() if proc.stdout else ""
            assert time.monotonic() < deadline, "service did not start"
            time.sleep(0.2)
        ids = [
            httpx.post(f"{base}/predict", json={"prompt": f"question {i}"}, timeout=10).json()[
                "request_id"
            ]
            for i in range(15)
        ]
    finally:
        proc.send_signal(signal.SIGTERM)
        output = proc.communicate(timeout=60)[0].decode()
    # uvicorn re-raises the captured SIGTERM after its graceful shutdown.
    assert proc.returncode in (0, -signal.SIGTERM), output
    assert "Traceback" not in output
    log_lines = (tmp_path / "logs" / "app.log").read_text().splitlines()
    assert sum('"message": "request"' in line or '"message":"request"' in line
               for line in log_lines) == 15  # fmt: skip

    from aimonitor.store import open_store

    store = open_store(f"sqlite:///{tmp_path / 'data' / 'aimonitor.db'}", tmp_path / "data")
    try:
        assert all(store.get_request(request_id) is not None for request_id in ids)
    finally:
        store.close()
