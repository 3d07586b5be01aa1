"""`aimonitor scan [--input FILE]`: the detectors, offline, over JSONL or plain text lines.

Each input line gives one output line, in order. A line that starts with "{" is read as
JSON and must carry a string "text" (or "prompt", as `aimonitor load --prompts` files
do); any other non-empty line is the text itself. A
malformed line gives `{"line": n, "error": "..."}` and the scan goes on.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from typing import Any, TextIO

from aimonitor.analysis import Analyzer, Redactor
from aimonitor.jsonl import record_text

_REDACTION_SECRET = b"aimonitor-scan"  # tags are per run; the key only scopes the digests


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "scan",
        help="scan prompts for personal data, prompt attacks and toxicity",
        description=__doc__,
    )
    parser.add_argument(
        "--input", "-i", metavar="FILE", help="JSONL or text file (default: standard input)"
    )
    parser.add_argument(
        "--config", metavar="YAML", help="detector configuration (default: packaged)"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    analyzer = Analyzer.from_yaml(args.config) if args.config else Analyzer.default()
    if args.input:
        try:
            with open(args.input, encoding="utf-8", errors="replace") as handle:
                errors = scan_stream(handle, sys.stdout, analyzer)
        except OSError as exc:
            print(f"aimonitor scan: cannot read {args.input}: {exc.strerror}", file=sys.stderr)
            return 2
    else:
        errors = scan_stream(sys.stdin, sys.stdout, analyzer)
    return 1 if errors else 0


def scan_stream(lines: Iterable[str], out: TextIO, analyzer: Analyzer) -> int:
    """Scan each line and write one JSON object per line; returns how many lines failed."""
    redactor = Redactor(mode="tag", secret=_REDACTION_SECRET)
    errors = 0
    for number, line in enumerate(lines, start=1):
        record: dict[str, Any]
        try:
            text = _text_of(line.rstrip("\r\n"))
        except ValueError as exc:
            errors += 1
            record = {"line": number, "error": str(exc)}
        else:
            record = scan_record(text, analyzer, redactor)
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
    out.flush()
    return errors


def scan_record(text: str, analyzer: Analyzer, redactor: Redactor) -> dict[str, Any]:
    result = analyzer.scan(text)
    return {
        "findings": [
            {
                "type": f.type,
                "start": f.start,
                "end": f.end,
                "text": f.text,
                "score": f.score,
                "detector": f.detector,
                "explanation": f.explanation,
            }
            for f in result.findings
        ],
        "attack": {
            "score": result.attack.score,
            "detected": result.attack.detected,
            "families": list(result.attack.families),
            "rules": list(result.attack.rules),
            "transforms": list(result.attack.transforms),
            "tier": result.attack.tier,
            "rules_score": result.attack.rules_score,
            "learned_score": (
                None
                if result.attack.learned_score is None
                else round(result.attack.learned_score, 4)
            ),
            "explanation": result.attack.explanation,
        },
        "toxicity": {
            "score": result.toxicity.score,
            "detected": result.toxicity.detected,
            "categories": list(result.toxicity.categories),
        },
        "redacted": redactor.redact(text, result.findings),
    }


def _text_of(line: str) -> str:
    if not line.lstrip().startswith("{"):
        return line
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"invalid JSON: {exc.msg} at column {exc.colno}") from None
    text = record_text(data)
    if text is None:
        raise ValueError('expected an object with a string field "text" (or "prompt")')
    return text
