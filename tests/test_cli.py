from __future__ import annotations

import json
import signal
from pathlib import Path

import httpx
import pytest

from aimonitor.cli import build_parser, main
from aimonitor.store import open_store
from support.service_process import running_service


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


@pytest.mark.timeout(120)
def test_real_serve_process_answers_and_drains_on_sigterm(tmp_path: Path) -> None:
    env = {
        # A long flush interval: records are still in the queue when SIGTERM arrives.
        "AIMONITOR_WRITE_FLUSH_INTERVAL_S": "30",
        "AIMONITOR_WRITE_BATCH_SIZE": "100000",
    }
    output_file = tmp_path / "output.txt"
    with output_file.open("wb") as output, running_service(tmp_path, env, output) as service:
        ids = [
            httpx.post(
                f"{service.base_url}/predict", json={"prompt": f"question {i}"}, timeout=10
            ).json()["request_id"]
            for i in range(15)
        ]
    output_text = output_file.read_text()
    # uvicorn re-raises the captured SIGTERM after its graceful shutdown.
    assert service.proc.returncode in (0, -signal.SIGTERM), output_text
    assert "Traceback" not in output_text
    log_lines = (tmp_path / "logs" / "app.log").read_text().splitlines()
    assert sum(json.loads(line)["message"] == "request" for line in log_lines) == 15

    store = open_store(f"sqlite:///{tmp_path / 'data' / 'aimonitor.db'}", tmp_path / "data")
    try:
        assert all(store.get_request(request_id) is not None for request_id in ids)
    finally:
        store.close()
