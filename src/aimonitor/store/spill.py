"""The spill file: an append-only JSONL file of events the database could not take yet.

Appends are fsync'd before returning, so an event handed to the spill survives a crash.
Replay reads from an in-memory offset; the file is truncated only once everything in it
has been written to the store. After a crash the whole file is replayed again, which is
harmless because writes are idempotent (request_id / event_id). A torn last line (crash
in the middle of an append) is set aside in the rejected file, not replayed.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
from pathlib import Path
from typing import Any

from aimonitor.store.records import Event, event_from_json, event_to_json

SPILL_FILE = "audit-spill.jsonl"
REJECTED_FILE = "audit-rejected.jsonl"


class SpillFile:
    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.path = directory / SPILL_FILE
        self.rejected_path = directory / REJECTED_FILE
        self._lock = threading.Lock()
        self._offset = 0  # bytes already replayed
        self._pending = 0  # lines not yet replayed
        self._repair_torn_tail()
        if self.path.exists():
            with self.path.open("rb") as f:
                self._pending = sum(1 for _ in f)

    def _repair_torn_tail(self) -> None:
        """End the file with a newline so a torn line stays a line of its own."""
        if not self.path.exists() or self.path.stat().st_size == 0:
            return
        with self.path.open("rb+") as f:
            f.seek(-1, os.SEEK_END)
            if f.read(1) != b"\n":
                f.write(b"\n")
                f.flush()
                os.fsync(f.fileno())

    @property
    def pending(self) -> int:
        return self._pending

    def append(self, events: list[Event]) -> None:
        if not events:
            return
        data = "".join(json.dumps(event_to_json(e), ensure_ascii=False) + "\n" for e in events)
        with self._lock, self.path.open("a", encoding="utf-8") as f:
            size = f.tell()
            try:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            except OSError:
                # Disk full or failing: take back the partial line so that the next append
                # does not get glued to it.
                with contextlib.suppress(OSError):
                    f.truncate(size)
                raise
            self._pending += len(events)

    def read(self, limit: int) -> tuple[list[Event], int]:
        """Up to `limit` events after the replay offset, and the offset past them.
        Unreadable lines are moved to the rejected file on the way."""
        events: list[Event] = []
        with self._lock:
            if not self.path.exists():
                return events, self._offset
            with self.path.open("rb") as f:
                f.seek(self._offset)
                offset = self._offset
                while len(events) < limit:
                    line = f.readline()
                    if not line.endswith(b"\n"):
                        break  # nothing more, or an append still in progress
                    try:
                        event = event_from_json(json.loads(line))
                    except ValueError:
                        if events:
                            break  # set it aside once the events before it are written
                        self._reject_raw(line)
                        offset += len(line)
                        self._offset = offset
                        self._pending = max(0, self._pending - 1)
                        continue
                    events.append(event)
                    offset += len(line)
        return events, offset

    def commit(self, offset: int, count: int) -> None:
        """Mark everything before `offset` as written; truncate when all is written."""
        with self._lock:
            self._offset = max(self._offset, offset)
            self._pending = max(0, self._pending - count)
            if self.path.exists() and self._offset >= self.path.stat().st_size:
                with self.path.open("r+b") as f:
                    f.truncate(0)
                    os.fsync(f.fileno())
                self._offset = 0
                self._pending = 0

    def reject(self, event: Event, reason: str) -> None:
        """Set aside an event the store refuses for good, with the reason."""
        record: dict[str, Any] = {"reason": reason, "event": event_to_json(event)}
        self._reject_raw((json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8"))

    def _reject_raw(self, line: bytes) -> None:
        with self.rejected_path.open("ab") as f:
            f.write(line if line.endswith(b"\n") else line + b"\n")
            f.flush()
            os.fsync(f.fileno())
