from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "signals"))
from signal_corpora import stream

from aimonitor.commands import drift
from aimonitor.signals.drift import DriftDetector
from aimonitor.signals.embedding import HashingEmbedder


def _run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    drift.register(parser.add_subparsers())
    args = parser.parse_args(["drift", *argv])
    code: int = args.func(args)
    return code


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("AIMONITOR_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)  # no stray .env
    return tmp_path / "data"


def test_set_reference_from_jsonl_then_show(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "prompts.jsonl"
    prompts = stream("it", 60, 1)
    source.write_text("\n".join(json.dumps({"text": p}) for p in prompts) + "\n")
    assert _run(["set-reference", str(source)]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["prompts"] == 60
    assert summary["languages"] == {"en": 1.0}
    assert len(summary["typical"]) == 3
    path = data_dir / "drift_reference.npz"
    assert path.exists()

    assert _run(["show"]) == 0
    assert json.loads(capsys.readouterr().out)["prompts"] == 60

    detector = DriftDetector.load_reference(path, embedder=HashingEmbedder())
    scores = [detector.observe(p).score for p in stream("cooking", 100, 2)]
    assert max(scores) >= 0.7


def test_plain_lines_and_redaction(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "prompts.txt"
    lines = [f"Please email jean.dupont{i}@example.com about my VPN password" for i in range(12)]
    source.write_text("\n\n".join(lines))
    assert _run(["set-reference", str(source), "--output", str(tmp_path / "r.npz")]) == 0
    out = capsys.readouterr().out
    assert json.loads(out)["prompts"] == 12
    assert "jean.dupont" not in out
    assert not (data_dir / "drift_reference.npz").exists()


def test_no_examples(data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "p.txt"
    source.write_text("\n".join(stream("it", 20, 3)))
    assert _run(["set-reference", str(source), "--no-examples"]) == 0
    assert json.loads(capsys.readouterr().out)["typical"] == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("just one line\n", "at least 10"),
        ('{"text": 3}\n', '"text"'),
        ("{not json\n", "invalid JSON"),
    ],
)
def test_bad_input_is_refused(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    source = tmp_path / "p.txt"
    source.write_text(content)
    assert _run(["set-reference", str(source)]) == 2
    assert message in capsys.readouterr().err


def test_missing_file_and_missing_reference(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(["set-reference", str(tmp_path / "nope.txt")]) == 2
    assert _run(["show"]) == 1
    assert "no reference" in capsys.readouterr().err
