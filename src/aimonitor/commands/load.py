"""`aimonitor load`: send a bounded load of /predict requests and report what happened.

Exit codes: 0 when the run happened (whatever the service answered, 4xx/5xx
included), 1 when the service could not be reached, 2 on usage errors, 130 when
interrupted (Ctrl-C).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)

from aimonitor.loadgen.client import LoadConfig, LoadResult, run_load
from aimonitor.loadgen.prompts import PromptFileError, PromptSample, load_prompt_file
from aimonitor.loadgen.report import render, summarize
from aimonitor.types import Scenario

DEFAULT_URL = "http://localhost:8000"
EXIT_OK, EXIT_UNREACHABLE, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def _int_at_least(minimum: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be >= {minimum}, got {value}")
        return value

    return parse


_positive_int = _int_at_least(1)
_non_negative_int = _int_at_least(0)


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be > 0, got {text}")
    return value


def _scenario(text: str) -> str:
    if text.lower() == "mix":
        return "mix"
    try:
        return Scenario.parse(text).value
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{exc}, or mix") from None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--url", default=DEFAULT_URL, help=f"service base URL ({DEFAULT_URL})")
    parser.add_argument(
        "--scenario",
        type=_scenario,
        default="A",
        help="A, B, C (or a seed alias: baseline, drift, latency-spike...), or mix; A",
    )
    parser.add_argument("--requests", type=_positive_int, default=100, help="how many; 100")
    parser.add_argument("--concurrency", type=_positive_int, default=10, help="in flight; 10")
    parser.add_argument(
        "--prompts",
        type=Path,
        help='JSONL file of {"prompt": ...} or {"text": ...}, or plain text lines',
    )
    parser.add_argument("--json", action="store_true", help="print one JSON summary object")
    parser.add_argument(
        "--user-id-pool",
        type=_non_negative_int,
        default=10,
        help="spread requests over K user ids (0: send none); 10",
    )
    parser.add_argument(
        "--timeout", type=_positive_float, default=30.0, help="per request, seconds; 30"
    )
    parser.add_argument(
        "--max-duration",
        type=_positive_float,
        default=600.0,
        help="stop sending new requests after S seconds; 600",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the prompt plan; 0")


def build_parser(prog: str | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog, description="Load client for the aimonitor /predict endpoint."
    )
    add_arguments(parser)
    return parser


def register(subparsers: argparse._SubParsersAction[Any]) -> None:
    parser = subparsers.add_parser(
        "load",
        help="send a load of /predict requests and summarise the answers",
        description="Send a bounded load of /predict requests and summarise the answers.",
    )
    add_arguments(parser)
    parser.set_defaults(func=run)


def _usage_error(message: str) -> int:
    print(f"aimonitor load: error: {message}", file=sys.stderr)
    return EXIT_USAGE


def config_from_args(args: argparse.Namespace) -> LoadConfig:
    """Raises ValueError (or PromptFileError) with a readable message."""
    parts = urlsplit(args.url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise ValueError(f"--url must be an http(s) URL, got {args.url!r}")
    prompts: Sequence[PromptSample] | None = None
    if args.prompts is not None:
        prompts = load_prompt_file(args.prompts)
    return LoadConfig(
        url=args.url,
        scenario=args.scenario,
        requests=args.requests,
        concurrency=args.concurrency,
        timeout_s=args.timeout,
        user_id_pool=args.user_id_pool,
        prompts=prompts,
        seed=args.seed,
        max_duration_s=args.max_duration,
    )


def run(args: argparse.Namespace, console: Console | None = None) -> int:
    try:
        config = config_from_args(args)
    except (ValueError, PromptFileError) as exc:
        return _usage_error(str(exc))
    console = console or Console()
    try:
        result = _run_with_progress(config, console, show=not args.json and console.is_terminal)
    except KeyboardInterrupt:
        print("aimonitor load: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    summary = summarize(result)
    if args.json:
        print(json.dumps(summary.to_dict(), sort_keys=True))
    else:
        render(summary, console)
    return EXIT_UNREACHABLE if summary.unreachable else EXIT_OK


def _run_with_progress(config: LoadConfig, console: Console, show: bool) -> LoadResult:
    if not show:
        return asyncio.run(run_load(config))
    with Progress(
        TextColumn("[bold]load[/bold] {task.fields[scenario]}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("load", total=config.requests, scenario=config.scenario)
        return asyncio.run(run_load(config, on_record=lambda _record: progress.advance(task)))


def main(argv: Sequence[str] | None = None, prog: str | None = None) -> int:
    args = build_parser(prog).parse_args(argv)
    return run(args)
