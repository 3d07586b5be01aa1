from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from rich.console import Console

from aimonitor.commands import load

if TYPE_CHECKING:  # fixtures come from conftest.py; never import it at run time
    from conftest import PredictServer

REPO_ROOT = Path(__file__).resolve().parents[2]


def _parse(*argv: str) -> argparse.Namespace:
    return load.build_parser("ai_load_client.py").parse_args(list(argv))


def test_seed_flags_parse_with_documented_defaults() -> None:
    args = _parse("--scenario", "A", "--requests", "100", "--concurrency", "10")
    assert (args.scenario, args.requests, args.concurrency) == ("A", 100, 10)
    assert args.url == "http://localhost:8000"
    assert (args.json, args.prompts, args.user_id_pool, args.timeout) == (False, None, 10, 30.0)


def test_scenario_is_case_insensitive_and_accepts_mix() -> None:
    assert _parse("--scenario", "b").scenario == "B"
    assert _parse("--scenario", "MIX").scenario == "mix"


def test_scenario_accepts_the_seed_names() -> None:
    assert _parse("--scenario", "latency-spike").scenario == "C"
    assert _parse("--scenario", "baseline").scenario == "A"


@pytest.mark.parametrize(
    "argv",
    [
        ["--scenario", "D"],
        ["--requests", "0"],
        ["--requests", "ten"],
        ["--concurrency", "-1"],
        ["--timeout", "0"],
        ["--user-id-pool", "-2"],
        ["--unknown"],
    ],
)
def test_bad_arguments_exit_with_usage_error(argv: list[str]) -> None:
    with pytest.raises(SystemExit) as info:
        _parse(*argv)
    assert info.value.code == 2


def test_register_adds_the_load_subcommand() -> None:
    parser = argparse.ArgumentParser(prog="aimonitor")
    subparsers = parser.add_subparsers(dest="command")
    load.register(subparsers)
    args = parser.parse_args(["load", "--url", "http://127.0.0.1:1", "--scenario", "mix"])
    assert args.func is load.run
    assert (args.command, args.scenario, args.requests) == ("load", "mix", 100)


def test_json_summary_matches_the_server(
    predict_server: PredictServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    prompts = tmp_path / "prompts.jsonl"
    prompts.write_text(
        '{"prompt": "hello there"}\n\nplease block this\n{"prompt": "limit", "category": "x"}\n'
        "fail now\n",
        encoding="utf-8",
    )
    args = _parse(
        "--url", predict_server.url, "--scenario", "C", "--requests", "40",
        "--concurrency", "4", "--prompts", str(prompts), "--json",
    )  # fmt: skip

    assert load.run(args) == 0

    summary = json.loads(capsys.readouterr().out)
    truth = predict_server.tally.statuses
    assert summary["sent"] == summary["answered"] == 40
    assert summary["status_codes"] == {str(k): v for k, v in sorted(truth.items())}
    assert summary["blocked"] == truth[403] > 0
    assert summary["rate_limited"] == truth[429] > 0
    assert summary["server_errors"] == truth[502] > 0
    assert summary["by_scenario"]["C"]["sent"] == 40
    assert summary["by_category"]["x"]["sent"] > 0  # the JSONL line's own category
    assert sum(group["sent"] for group in summary["by_category"].values()) == 40
    assert set(summary["latency_ms"]) == {"p50", "p95", "p99", "max"}


def test_table_and_progress_on_a_terminal(predict_server: PredictServer) -> None:
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, width=100)
    args = _parse("--url", predict_server.url, "--requests", "12", "--concurrency", "3")

    assert load.run(args, console) == 0

    output = buffer.getvalue()
    for label in ("throughput", "latency p99", "blocked (403)", "rate-limited (429)", "200"):
        assert label in output


def test_unreachable_service_exits_1(
    closed_port_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    args = _parse("--url", closed_port_url, "--requests", "50", "--json")
    assert load.run(args) == 1
    assert json.loads(capsys.readouterr().out)["unreachable"] is True


@pytest.mark.parametrize(
    ("content", "message"),
    [("", "no prompts"), ('{"prompt": 3}\n', "expected"), ("{not json\n", "invalid JSON")],
)
def test_bad_prompt_file_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    path = tmp_path / "p.jsonl"
    path.write_text(content, encoding="utf-8")
    assert load.run(_parse("--prompts", str(path))) == 2
    assert message in capsys.readouterr().err


def test_bad_url_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert load.run(_parse("--url", "localhost:8000")) == 2
    assert "--url" in capsys.readouterr().err


def test_ai_load_client_script_runs_with_the_seed_flags(predict_server: PredictServer) -> None:
    completed = subprocess.run(
        [
            sys.executable, str(REPO_ROOT / "ai_load_client.py"),
            "--scenario", "A", "--requests", "20", "--concurrency", "10",
            "--url", predict_server.url, "--json",
        ],
        capture_output=True, text=True, timeout=60, check=False,
        env={**os.environ, "NO_COLOR": "1"},
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    summary = json.loads(completed.stdout)
    assert summary["sent"] == 20
    assert summary["by_scenario"]["A"]["sent"] == 20
    assert sum(predict_server.tally.statuses.values()) == 20
