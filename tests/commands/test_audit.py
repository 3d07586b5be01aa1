"""`aimonitor audit verify|export`, called the way cli.py calls it, on the settings
of the directory it runs in."""

from __future__ import annotations

import argparse
import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from aimonitor.commands import audit
from aimonitor.store import RequestRecord, open_store

T0 = datetime(2026, 2, 1, 9, 0, tzinfo=UTC)


def _run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="aimonitor")
    audit.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(list(argv))
    result: int = args.func(args)
    return result


def _record(n: int) -> RequestRecord:
    return RequestRecord(
        request_id=f"00000000-0000-4000-8000-{n:012d}", created_at=T0 + timedelta(minutes=n),
        client="c", scenario="A", model="sim", backend="simulated", decision="served",
        status_code=200, risk_level="minimal", latency_ms=5.0, tokens_input=1,
        tokens_output=1, cost_eur=0.0, prompt_text=f"prompt {n}",
    )  # fmt: skip


@pytest.fixture
def service_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A service directory with settings in `.env` and four audit records."""
    monkeypatch.chdir(tmp_path)
    for name in ("AIMONITOR_DATA_DIR", "AIMONITOR_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / ".env").write_text("AIMONITOR_DATA_DIR=state\n")
    store = open_store(f"sqlite:///{(tmp_path / 'state' / 'aimonitor.db').as_posix()}",
                       tmp_path / "state")  # fmt: skip
    store.write_batch([_record(n) for n in range(1, 5)])
    store.close()
    return tmp_path


def _tamper(service_dir: Path, statement: str) -> None:
    conn = sqlite3.connect(service_dir / "state" / "aimonitor.db")
    try:
        conn.executescript(statement)
        conn.commit()
    finally:
        conn.close()


def test_verify_reports_an_intact_chain(
    service_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run("audit", "verify") == 0
    assert capsys.readouterr().out.strip() == "OK: 4 records"


@pytest.mark.parametrize(
    ("statement", "broken"),
    [
        ("UPDATE audit_log SET severity = 'critical' WHERE seq = 2", 2),
        ("UPDATE audit_log SET metadata = replace(metadata, '200', '500') WHERE seq = 3", 3),
        ("DELETE FROM audit_log WHERE seq = 2", 3),
        (
            "UPDATE audit_log SET seq = -1 WHERE seq = 2;"
            " UPDATE audit_log SET seq = 2 WHERE seq = 3;"
            " UPDATE audit_log SET seq = 3 WHERE seq = -1",
            3,
        ),
    ],
    ids=["altered-field", "altered-metadata", "removed", "reordered"],
)
def test_verify_names_the_first_broken_record(
    service_dir: Path, capsys: pytest.CaptureFixture[str], statement: str, broken: int
) -> None:
    _tamper(service_dir, statement)
    assert _run("audit", "verify") == 1
    out = capsys.readouterr().out
    assert out.startswith("BROKEN: record ")
    assert _record(broken).request_id in out


def test_verify_without_a_database_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("AIMONITOR_DATABASE_URL", "postgresql://postgres@127.0.0.1:1/none")
    assert _run("audit", "verify") == 2
    assert "error:" in capsys.readouterr().err


def test_export_writes_jsonl_since_a_time(
    service_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    since = (T0 + timedelta(minutes=3)).replace(tzinfo=None).isoformat()  # naive = UTC
    assert _run("audit", "export", "--since", since, "--output", "out.jsonl") == 0
    lines = [json.loads(line) for line in (service_dir / "out.jsonl").read_text().splitlines()]
    assert [line["seq"] for line in lines] == [3, 4]
    assert lines[0]["texts"]["prompt"] == "prompt 3"
    assert lines[0]["hash"] == lines[1]["prev_hash"]
    assert "exported 2 records" in capsys.readouterr().err


def test_export_to_stdout(service_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run("audit", "export") == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 4 and json.loads(out[0])["event_type"] == "request"


def test_a_bad_since_is_refused(service_dir: Path) -> None:
    with pytest.raises(SystemExit):
        _run("audit", "export", "--since", "yesterday")


def test_the_installed_command_verifies_and_exits_1_on_tampering(service_dir: Path) -> None:
    """`aimonitor audit verify` as an operator runs it, in the service's directory."""
    import subprocess
    import sys

    command = [sys.executable, "-m", "aimonitor", "audit", "verify"]
    intact = subprocess.run(command, cwd=service_dir, capture_output=True, text=True, timeout=60)
    assert (intact.returncode, intact.stdout.strip()) == (0, "OK: 4 records")
    _tamper(service_dir, "DELETE FROM audit_log WHERE seq = 1")
    broken = subprocess.run(command, cwd=service_dir, capture_output=True, text=True, timeout=60)
    assert broken.returncode == 1
    assert _record(2).request_id in broken.stdout


def test_verify_reports_records_missing_from_a_writers_sequence(
    service_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An answered request whose record never reached the trail is a gap, not silence."""
    store = open_store(f"sqlite:///{(service_dir / 'state' / 'aimonitor.db').as_posix()}")
    records = [_record(n) for n in range(10, 15)]
    store.write_batch(records[:2], [("w1", 1), ("w1", 2)])
    store.write_batch(records[4:], [("w1", 5)])  # 3 and 4 never arrived
    store.close()
    assert _run("audit", "verify") == 1
    out = capsys.readouterr().out
    assert out.startswith("MISSING: 2 records never reached the audit trail, the first is w1#3")


def test_verify_mentions_records_still_in_the_journal(
    service_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from aimonitor.store.journal import Journal

    journal = Journal(service_dir / "state" / "journal")
    journal.append(_record(20))
    journal.close(remove=False)
    assert _run("audit", "verify") == 0
    assert capsys.readouterr().out.splitlines() == [
        f"note: 1 records wait in the journal ({Path('state') / 'journal'})",
        "OK: 4 records",
    ]
