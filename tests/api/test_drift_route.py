from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from aimonitor.api import create_app
from aimonitor.cli import main


def test_drift_route_reports_the_detector_state(
    client: TestClient, admin_headers: dict[str, str]
) -> None:
    client.post("/predict", json={"prompt": "How do I reset my VPN password?"})
    assert client.get("/drift").status_code == 401  # its explanation quotes stored prompts
    body = client.get("/drift", headers=admin_headers).json()
    assert body["score"] == 0.0
    assert body["ready"] is False
    assert body["reference_pending"] >= 1


def test_reference_file_is_loaded_at_start(
    make_settings: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    admin_headers: dict[str, str],
) -> None:
    settings = make_settings()
    prompts = tmp_path / "reference.txt"
    prompts.write_text(
        "\n".join(f"How do I reset the password of account {i} on the VPN?" for i in range(60))
    )
    monkeypatch.setenv("AIMONITOR_DATA_DIR", str(settings.data_dir))
    assert main(["drift", "set-reference", str(prompts)]) == 0
    with TestClient(create_app(settings)) as client:
        body = client.get("/drift", headers=admin_headers).json()
        assert body["reference_size"] == 60
        assert body["reference_pending"] == 0


def test_unreadable_reference_stops_start_up_with_a_message(
    make_settings: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aimonitor.config import ConfigError
    from aimonitor.service import DRIFT_REFERENCE_FILE

    settings = make_settings()
    settings.data_dir.mkdir(parents=True)
    (settings.data_dir / DRIFT_REFERENCE_FILE).write_bytes(b"not an npz file")
    with pytest.raises(ConfigError, match="drift reference"):
        create_app(settings)


def test_drift_never_keeps_raw_personal_data_the_guardrail_let_through(
    make_settings: Any, admin_headers: dict[str, str]
) -> None:
    email = "claire.martin@example-corp.fr"
    settings = make_settings(drift_reference_size=10, drift_window_size=10)
    with TestClient(create_app(settings)) as client:
        changed = client.put(
            "/guardrails/config",
            json={"guardrail_name": "pii_protection", "action": "warn"},
            headers=admin_headers,
        )
        assert changed.status_code == 200
        for i in range(30):
            client.post("/predict", json={"prompt": f"Écris à {email} au sujet du dossier {i}"})
        body = client.get("/drift", headers=admin_headers).text
        service = client.app.state.service  # type: ignore[attr-defined]
        reference = str(service.drift.__dict__)
    assert email not in body and "claire.martin" not in body
    assert email not in reference
