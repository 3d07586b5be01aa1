"""The journal: where a record becomes durable before its answer is sent.

Each writer process has its own journal under one directory:

    <writer-id>.lock            held with flock(LOCK_EX) for as long as the writer lives
    <writer-id>.<segment>.log   one JSON line per event: {"seq": n, "event": {...}}
    <writer-id>.ckpt            "<segment> <offset>": what has reached the database

`Journal.append` writes a line with one `os.write` on an O_APPEND descriptor, so once it
returns the line is in the kernel and survives the death of the process. Power loss is
covered by `fdatasync`: before `append` returns when the interval is 0, otherwise by a
background thread every interval (group commit). Segments roll over at `segment_bytes`;
the reader deletes a segment once all of it is in the database.

A journal whose lock can be taken belongs to a dead writer: `claim_orphans` takes it over
and its lines are written to the database by the claiming writer, then the files are
removed. Database writes are idempotent (request_id / event_id), so a line written
before the crash but after the last checkpoint is skipped, never stored twice.

`seq` numbers a writer's events 1, 2, 3...; it is stored with each audit record
(writer id + seq) so that `aimonitor audit verify` can name a missing record.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import secrets
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from aimonitor.store.errors import StoreUnavailable
from aimonitor.store.records import Event, event_from_json, event_to_json

log = logging.getLogger(__name__)

JOURNAL_DIR = "journal"  # under AIMONITOR_DATA_DIR
REJECTED_FILE = "audit-rejected.jsonl"
SEGMENT_BYTES = 16 * 1024 * 1024
# Events kept in memory for the writer thread (see JournalReader._parse); beyond this
# (a long database outage) it parses the lines back instead.
RECENT_MAX = 2_000
_LOCK_SUFFIX = ".lock"


def new_writer_id() -> str:
    """Unique for the life of a writer: a restarted process gets a new id (and seq 1)."""
    return f"{os.getpid()}-{secrets.token_hex(4)}"


def _segment_path(directory: Path, writer_id: str, segment: int) -> Path:
    return directory / f"{writer_id}.{segment:06d}.log"


def _segments(directory: Path, writer_id: str) -> list[int]:
    found: list[int] = []
    for path in directory.glob(f"{writer_id}.*.log"):
        number = path.name[len(writer_id) + 1 : -len(".log")]
        if number.isdigit():
            found.append(int(number))
    return sorted(found)


def _fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


@dataclass(frozen=True, slots=True)
class Entry:
    """One journal line: the writer's sequence number and the event."""

    seq: int
    event: Event


class Journal:
    """The append side, owned by one writer process."""

    def __init__(
        self,
        directory: Path,
        fsync_interval_ms: float = 20.0,
        segment_bytes: int = SEGMENT_BYTES,
    ) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        self.directory = directory
        self.writer_id = new_writer_id()
        self._fsync_interval_s = fsync_interval_ms / 1000
        self._segment_bytes = segment_bytes
        self._lock_fd = self._take_lock()
        self._lock = threading.Lock()
        self._seq = 0
        self._segment = 0
        self._size = 0
        self._fd = self._open_segment(0)
        self._retired: list[int] = []  # rolled-over descriptors, synced then closed
        # seq -> event of the lines not yet read back by this process's writer thread.
        self.recent: dict[int, Event] = {}
        self._dirty = False
        self._closed = False
        self._sync_stop = threading.Event()
        self._sync_thread: threading.Thread | None = None
        if self._fsync_interval_s > 0:
            self._sync_thread = threading.Thread(
                target=self._sync_loop, name="aimonitor-journal-sync", daemon=True
            )
            self._sync_thread.start()

    def _take_lock(self) -> int:
        # Locked under a temporary name, then renamed: a scan for orphans never sees the
        # lock file of a live writer unlocked.
        temporary = self.directory / f".{self.writer_id}{_LOCK_SUFFIX}"
        fd = os.open(temporary, os.O_CREAT | os.O_RDWR, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        os.rename(temporary, self.directory / f"{self.writer_id}{_LOCK_SUFFIX}")
        return fd

    def _open_segment(self, segment: int) -> int:
        path = _segment_path(self.directory, self.writer_id, segment)
        fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_APPEND, 0o600)
        _fsync_directory(self.directory)
        return fd

    @property
    def seq(self) -> int:
        """The last sequence number handed out (= events appended)."""
        return self._seq

    @property
    def segment(self) -> int:
        """The segment being appended to; lower ones are complete."""
        return self._segment

    def append(self, event: Event) -> int:
        """Write the event to the journal; returns its sequence number once the line is in
        the kernel (and on disk when the fsync interval is 0). Raises StoreUnavailable
        when the journal cannot be written: then the event is not recorded."""
        body = orjson.dumps(event_to_json(event))
        with self._lock:
            if self._closed:
                raise StoreUnavailable("the audit journal is closed")
            seq = self._seq + 1
            line = b'{"seq":%d,"event":%b}\n' % (seq, body)
            try:
                _write_all(self._fd, line)
                if self._fsync_interval_s <= 0:
                    os.fdatasync(self._fd)
            except OSError as exc:
                # Take back a partial line so that the next one is not glued to it.
                with contextlib.suppress(OSError):
                    os.ftruncate(self._fd, self._size)
                raise StoreUnavailable(f"audit journal not writable: {exc}") from exc
            self._seq = seq
            self._size += len(line)
            self._dirty = True
            if len(self.recent) < RECENT_MAX:
                self.recent[seq] = event
            if self._size >= self._segment_bytes:
                self._roll_over()
            return seq

    def _roll_over(self) -> None:
        if self._fsync_interval_s <= 0:
            os.close(self._fd)
        else:
            self._retired.append(self._fd)
        self._segment += 1
        self._size = 0
        self._fd = self._open_segment(self._segment)

    def sync(self) -> None:
        """fdatasync what was appended so far (the group commit)."""
        with self._lock:
            if self._closed:
                return
            fd, retired, dirty = self._fd, self._retired, self._dirty
            self._retired, self._dirty = [], False
        # Outside the lock: appends go on while the disk works. Only this method closes
        # retired descriptors, and the current one is closed only after this thread stops.
        for old in retired:
            with contextlib.suppress(OSError):
                os.fdatasync(old)
            os.close(old)
        if dirty:
            try:
                os.fdatasync(fd)
            except OSError:
                log.exception("audit journal fsync failed")

    def _sync_loop(self) -> None:
        while not self._sync_stop.wait(self._fsync_interval_s):
            self.sync()

    def close(self, remove: bool) -> None:
        """Sync and close. `remove`: everything is in the database, delete the files;
        otherwise they stay, and releasing the lock makes them an orphan for the next
        writer to replay."""
        self._sync_stop.set()
        if self._sync_thread is not None:
            self._sync_thread.join()
        self.sync()
        with self._lock:
            self._closed = True
            os.close(self._fd)
        if remove:
            remove_files(self.directory, self.writer_id)
        os.close(self._lock_fd)


def remove_files(directory: Path, writer_id: str) -> None:
    """Delete a writer's journal: segments, checkpoint, then the lock file last."""
    for segment in _segments(directory, writer_id):
        _segment_path(directory, writer_id, segment).unlink(missing_ok=True)
    (directory / f"{writer_id}.ckpt").unlink(missing_ok=True)
    (directory / f"{writer_id}{_LOCK_SUFFIX}").unlink(missing_ok=True)


class JournalReader:
    """The read side of one writer's journal: what has not reached the database yet.

    `read` never moves the position; `commit` does, once the events are in the database,
    and records it in the checkpoint file. `live` is the writer's own Journal (segments
    below its current one are complete), or None for an orphan (all are complete)."""

    def __init__(
        self, directory: Path, writer_id: str, live: Journal | None, rejected: Path
    ) -> None:
        self.directory = directory
        self.writer_id = writer_id
        self._live = live
        self._rejected = rejected
        self._checkpoint = directory / f"{writer_id}.ckpt"
        self._segment, self._offset = self._load_checkpoint()
        self.consumed = 0  # lines committed (written, rejected or unreadable)

    def _load_checkpoint(self) -> tuple[int, int]:
        segments = _segments(self.directory, self.writer_id)
        first = segments[0] if segments else 0
        try:
            segment_text, offset_text = self._checkpoint.read_text().split()
            segment, offset = int(segment_text), int(offset_text)
        except (OSError, ValueError):
            return first, 0
        if segment < first:
            return first, 0
        path = _segment_path(self.directory, self.writer_id, segment)
        if not path.exists() or path.stat().st_size < offset:
            return segment, 0  # a torn checkpoint: replaying is harmless (idempotent)
        return segment, offset

    def _complete(self, segment: int) -> bool:
        return self._live is None or segment < self._live.segment

    def read(self, limit: int) -> tuple[list[Entry], tuple[int, int, int]]:
        """Up to `limit` entries after the position, and (segment, offset, lines) to
        `commit` once they are written. Unreadable lines are set aside on the way."""
        entries: list[Entry] = []
        segment, offset, lines = self._segment, self._offset, 0
        while len(entries) < limit:
            complete = self._complete(segment)  # checked before reading to the end
            path = _segment_path(self.directory, self.writer_id, segment)
            try:
                with path.open("rb") as f:
                    f.seek(offset)
                    for raw in f:
                        if not raw.endswith(b"\n"):
                            if complete:  # torn by a crash in the middle of a write
                                self._set_aside_raw(raw, "torn line")
                                offset += len(raw)
                                lines += 1
                            break
                        offset += len(raw)
                        lines += 1
                        entry = self._parse(raw)
                        if entry is not None:
                            entries.append(entry)
                        if len(entries) >= limit:
                            break
            except FileNotFoundError:
                pass
            if len(entries) >= limit or not complete:
                break
            if not self._has_segment_after(segment):
                break
            segment, offset = segment + 1, 0
        return entries, (segment, offset, lines)

    def _has_segment_after(self, segment: int) -> bool:
        if self._live is not None:
            return segment < self._live.segment
        return any(s > segment for s in _segments(self.directory, self.writer_id))

    def _parse(self, raw: bytes) -> Entry | None:
        if self._live is not None:
            # This process journaled it: take the event it still holds instead of parsing
            # the line back (the writer thread would hold the GIL for it). The line is
            # what counts; this only spares the work.
            try:
                seq = int(raw[7 : raw.index(b",", 7)])  # b'{"seq":N,...'
            except ValueError:
                seq = 0
            event = self._live.recent.pop(seq, None)
            if event is not None:
                return Entry(seq, event)
        try:
            data: Any = orjson.loads(raw)
            return Entry(int(data["seq"]), event_from_json(data["event"]))
        except (ValueError, KeyError, TypeError) as exc:
            self._set_aside_raw(raw, f"unreadable journal line: {exc}")
            return None

    def _set_aside_raw(self, raw: bytes, reason: str) -> None:
        log.error("audit journal %s: %s, set aside", self.writer_id, reason)
        set_aside(self._rejected, {"reason": reason, "line": raw.decode("utf-8", "replace")})

    def commit(self, position: tuple[int, int, int]) -> None:
        segment, offset, lines = position
        for old in range(self._segment, segment):
            _segment_path(self.directory, self.writer_id, old).unlink(missing_ok=True)
        self._segment, self._offset = segment, offset
        self.consumed += lines
        # Not fsync'd: a stale checkpoint only means replaying lines already stored.
        self._checkpoint.write_text(f"{segment} {offset}\n")

    def pending_lines(self) -> int:
        """Lines after the position (an orphan's backlog, counted once when claimed)."""
        count, segment, offset = 0, self._segment, self._offset
        for number in _segments(self.directory, self.writer_id):
            if number < segment:
                continue
            with _segment_path(self.directory, self.writer_id, number).open("rb") as f:
                f.seek(offset if number == segment else 0)
                count += sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))
        return count


def set_aside(path: Path, record: dict[str, Any]) -> None:
    """Append a record the database will never take to the rejected file (fsync'd; like
    the journal, readable by the service's user only: it holds the stored texts)."""
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_APPEND, 0o600)
    try:
        _write_all(fd, orjson.dumps(record) + b"\n")
        os.fsync(fd)
    finally:
        os.close(fd)


@dataclass
class Orphan:
    """A dead writer's journal, claimed: its lock is held until `release`."""

    reader: JournalReader
    lock_fd: int
    backlog: int = 0  # lines not yet written, as counted when claimed

    def release(self) -> None:
        """All of it is in the database: delete it."""
        remove_files(self.reader.directory, self.reader.writer_id)
        os.close(self.lock_fd)

    def abandon(self) -> None:
        """Unlock without deleting: another writer will claim it again."""
        os.close(self.lock_fd)


def claim_orphans(directory: Path, own_id: str, rejected: Path) -> Iterator[Orphan]:
    """Journals whose writer is dead (their lock is free), locked for this writer."""
    for lock_path in sorted(directory.glob(f"*{_LOCK_SUFFIX}")):
        writer_id = lock_path.name[: -len(_LOCK_SUFFIX)]
        if writer_id == own_id or writer_id.startswith("."):
            continue
        try:
            fd = os.open(lock_path, os.O_RDWR)
        except FileNotFoundError:
            continue  # another writer replayed it meanwhile
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)  # alive
            continue
        yield Orphan(JournalReader(directory, writer_id, None, rejected), fd)


def journal_backlog(directory: Path) -> int:
    """Journaled records not yet in the database, over every writer's journal (live or
    dead); read without locking, so an estimate while writers are running."""
    if not directory.is_dir():
        return 0
    total = 0
    for lock_path in directory.glob(f"*{_LOCK_SUFFIX}"):
        writer_id = lock_path.name[: -len(_LOCK_SUFFIX)]
        if not writer_id.startswith("."):
            total += JournalReader(
                directory, writer_id, None, directory / REJECTED_FILE
            ).pending_lines()
    return total


# The spill file of versions before the journal: records a database outage left behind,
# one bare event per line, beside the journal directory.
LEGACY_SPILL = Path("spill") / "audit-spill.jsonl"
_LEGACY_PREFIX = "legacy-"


def is_legacy(writer_id: str) -> bool:
    """A journal adopted from a legacy spill file: its records get no writer stamp (some of
    them may already be stored, unstamped, and a stamp would then show a false gap)."""
    return writer_id.startswith(_LEGACY_PREFIX)


def adopt_legacy_spill(directory: Path) -> int:
    """Turn a legacy spill file into a dead writer's journal, which the orphan replay then
    writes (idempotently); the number of lines adopted. One process does it (flock)."""
    spill = directory.parent / LEGACY_SPILL
    try:
        fd = os.open(spill, os.O_RDWR)
    except FileNotFoundError:
        return 0
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        if not spill.exists():  # adopted by another process while this one waited
            return 0
        lines = [line for line in spill.read_bytes().splitlines() if line.strip()]
        writer_id = f"{_LEGACY_PREFIX}{secrets.token_hex(4)}"
        directory.mkdir(parents=True, exist_ok=True)
        body = b"".join(b'{"seq":%d,"event":%b}\n' % (n, line) for n, line in enumerate(lines, 1))
        with _segment_path(directory, writer_id, 0).open("wb") as f:
            f.write(body)
            f.flush()
            os.fsync(f.fileno())
        # An unlocked lock file: an orphan from the start.
        (directory / f"{writer_id}{_LOCK_SUFFIX}").touch()
        _fsync_directory(directory)
        spill.unlink()
        return len(lines)
    except BlockingIOError:
        return 0
    finally:
        os.close(fd)
