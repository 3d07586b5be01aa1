"""`aimonitor keys create|list|revoke` against the database of the settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from aimonitor.cli import main
from aimonitor.clients import ClientKeyStore, KeyVerifier
from aimonitor.store import open_store


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("AIMONITOR_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("AIMONITOR_DATABASE_URL", raising=False)
    return tmp_path


def test_create_prints_the_token_once_then_list_and_revoke(
    capsys: pytest.CaptureFixture[str], data_dir: Path
) -> None:
    argv = ["keys", "create", "--name", "billing-bot", "--rpm", "600", "--daily-budget-eur", "20"]
    assert main([*argv, "--model", "gpt-4o-mini"]) == 0
    out, err = capsys.readouterr()
    token = out.strip()
    assert token.startswith("aim_") and "shown only once" in err
    assert main(["keys", "list"]) == 0
    listing = capsys.readouterr().out
    assert "billing-bot" in listing and "gpt-4o-mini" in listing and token not in listing
    store = open_store(f"sqlite:///{(data_dir / 'aimonitor.db').as_posix()}", data_dir)
    try:
        verifier = KeyVerifier(ClientKeyStore(store.engine))
        assert verifier.verify(token) is not None
        assert main(["keys", "revoke", "billing-bot"]) == 0
        assert "revoked key 'billing-bot'" in capsys.readouterr().out
        verifier.refresh()
        assert verifier.verify(token) is None
    finally:
        store.close()
    assert main(["keys", "list", "--active", "--json"]) == 0
    assert capsys.readouterr().out == ""


def test_errors_exit_non_zero_with_a_message(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["keys", "revoke", "nobody"]) == 1
    assert "no active key named 'nobody'" in capsys.readouterr().err
    assert main(["keys", "create", "--name", "Bad Name", "--rpm", "5"]) == 1
    assert "name" in capsys.readouterr().err
