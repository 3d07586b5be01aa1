"""`aimonitor drift set-reference FILE` and `aimonitor drift show`.

`set-reference` reads prompts (JSONL with a "text" field, or one prompt per plain
line; "-" reads standard input), redacts personal data the way `aimonitor scan`
does (the service also feeds the drift detector redacted prompts), computes the
reference features and writes `<AIMONITOR_DATA_DIR>/drift_reference.npz`, which the
service loads at start-up. `show` prints the stored reference's summary.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from aimonitor.config import load_settings
from aimonitor.signals.drift import DriftDetector
from aimonitor.signals.drift_reference import ReferenceData
from aimonitor.signals.embedding import make_embedder

REFERENCE_FILE = "drift_reference.npz"
MIN_PROMPTS = 10
_REDACTION_SECRET = b"aimonitor-drift-reference"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "drift", help="manage the drift detector's reference", description=__doc__
    )
    commands = parser.add_subparsers(dest="drift_command", required=True)
    set_ref = commands.add_parser(
        "set-reference", help="compute and store the reference from a file of prompts"
    )
    set_ref.add_argument(
        "file", metavar="FILE", help='JSONL {"text": ...} or text lines; - = stdin'
    )
    set_ref.add_argument("--output", type=Path, help="file to write (default: data dir)")
    set_ref.add_argument(
        "--no-examples", action="store_true", help="store no typical prompt excerpts"
    )
    set_ref.set_defaults(func=run_set_reference)
    show = commands.add_parser("show", help="print the stored reference's summary")
    show.add_argument("--path", type=Path, help="reference file (default: data dir)")
    show.set_defaults(func=run_show)


def default_path() -> Path:
    return load_settings().data_dir / REFERENCE_FILE


def read_prompts(lines: Iterable[str]) -> list[str]:
    """Texts from JSONL objects with a "text" (or "prompt") string, or plain lines."""
    prompts = []
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line:
            continue
        if line.startswith("{"):
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"line {number}: invalid JSON ({exc.msg})") from None
            text = record.get("text", record.get("prompt")) if isinstance(record, dict) else None
            if not isinstance(text, str):
                raise ValueError(f'line {number}: expected a string "text" field')
            line = text
        prompts.append(line)
    return prompts


def _redact(prompts: list[str]) -> list[str]:
    # Imported here: the detectors are only needed by this subcommand.
    from aimonitor.analysis import Analyzer, Redactor

    analyzer = Analyzer.default()
    redactor = Redactor(mode="tag", secret=_REDACTION_SECRET)
    return [redactor.redact(p, analyzer.scan(p).findings) for p in prompts]


def run_set_reference(args: argparse.Namespace) -> int:
    try:
        if args.file == "-":
            prompts = read_prompts(sys.stdin)
        else:
            with open(args.file, encoding="utf-8", errors="replace") as handle:
                prompts = read_prompts(handle)
    except OSError as exc:
        print(f"aimonitor drift: cannot read {args.file}: {exc.strerror}", file=sys.stderr)
        return 2
    except ValueError as exc:
        print(f"aimonitor drift: {args.file}: {exc}", file=sys.stderr)
        return 2
    if len(prompts) < MIN_PROMPTS:
        print(
            f"aimonitor drift: {len(prompts)} prompts in {args.file}; "
            f"at least {MIN_PROMPTS} needed",
            file=sys.stderr,
        )
        return 2
    settings = load_settings()
    output = args.output or settings.data_dir / REFERENCE_FILE
    embedder = make_embedder(settings.drift_embedder)  # the service's, so that it can load it
    detector = DriftDetector(embedder=embedder, window_size=settings.drift_window_size)
    detector.set_reference(_redact(prompts))
    data = detector.reference_data()
    assert data is not None  # set_reference always installs one
    if args.no_examples:
        data = replace(data, typical=())
    data.save(output)
    summary = {"path": str(output), **data.summary()}
    print(json.dumps(summary, ensure_ascii=False, indent=2))
    return 0


def run_show(args: argparse.Namespace) -> int:
    path = args.path or default_path()
    if not path.exists():
        print(
            f"aimonitor drift: no reference at {path}; "
            "run `aimonitor drift set-reference FILE` (until then the service uses its "
            "first prompts)",
            file=sys.stderr,
        )
        return 1
    try:
        data = ReferenceData.load(path)
    except (OSError, ValueError, KeyError) as exc:
        print(f"aimonitor drift: cannot read {path}: {exc}", file=sys.stderr)
        return 2
    print(json.dumps({"path": str(path), **data.summary()}, ensure_ascii=False, indent=2))
    return 0
