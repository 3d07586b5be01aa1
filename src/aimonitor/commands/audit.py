"""`aimonitor audit verify` and `aimonitor audit export`.

Both read the same settings as the service (environment / `.env`), so run them from the
service's directory: `Settings.resolved_database_url` and `Settings.data_dir` locate the
store and the journal.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from aimonitor.commands.store_access import with_store
from aimonitor.store import SqlStore
from aimonitor.store.journal import JOURNAL_DIR, journal_backlog

EXIT_OK = 0
EXIT_BROKEN = 1


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("audit", help="verify or export the hash-chained audit trail")
    commands = parser.add_subparsers(dest="audit_command", required=True)

    verify = commands.add_parser(
        "verify", help="check the hash chain: exit 0 when intact, 1 naming the first broken record"
    )
    verify.set_defaults(func=run_verify)

    export = commands.add_parser("export", help="write the audit trail as JSONL (for a SIEM)")
    export.add_argument(
        "--since", type=parse_since, default=None, help="ISO 8601 time (UTC when no offset)"
    )
    export.add_argument("--output", type=Path, default=None, help="file to write (default stdout)")
    export.set_defaults(func=run_export)


def parse_since(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 time: {value!r}") from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed


def run_verify(args: argparse.Namespace) -> int:
    def verify(store: SqlStore, data_dir: Path) -> int:
        waiting = journal_backlog(data_dir / JOURNAL_DIR)
        if waiting:
            # Not in the database yet: the service writes them at its next start.
            print(f"note: {waiting} records wait in the journal ({data_dir / JOURNAL_DIR})")
        result = store.verify_chain()
        if result.ok:
            print(f"OK: {result.checked} records")
            return EXIT_OK
        if result.missing:
            print(
                f"MISSING: {result.missing} records never reached the audit trail, the first"
                f" is {result.first_broken} ({result.checked} records intact): {result.reason}"
            )
            return EXIT_BROKEN
        print(
            f"BROKEN: record {result.first_broken} ({result.checked} records intact before it): "
            f"{result.reason}"
        )
        return EXIT_BROKEN

    return with_store(verify)


def run_export(args: argparse.Namespace) -> int:
    def export(store: SqlStore, data_dir: Path) -> int:
        if args.output is None:
            try:
                count = _write_jsonl(store, args.since, sys.stdout)
                sys.stdout.flush()
            except BrokenPipeError:  # `aimonitor audit export | head` closed the pipe
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
                return EXIT_OK
        else:
            with args.output.open("w", encoding="utf-8") as out:
                count = _write_jsonl(store, args.since, out)
        print(f"exported {count} records", file=sys.stderr)
        return EXIT_OK

    return with_store(export)


def _write_jsonl(store: SqlStore, since: datetime | None, out: TextIO) -> int:
    count = 0
    for record in store.export_audit(since):
        out.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
        count += 1
    return count
