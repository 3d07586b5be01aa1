"""The audit writer of one server process: a journal written on the request path, fed to
the database by a background thread.

`submit(event)` appends the event to this process's journal (journal.py) and returns:
from then on the record survives the death of the process, and, once the journal's
fsync interval has passed, a power loss. The answer may then be sent.

The writer thread reads the journal in order and writes batches of up to `batch_size`
events per transaction, waiting at most `flush_interval_s` to fill one. When the
database is unavailable it retries with exponential backoff; nothing is kept in memory
meanwhile, the journal is the backlog. A checkpoint records what reached the database.

At start, and every `orphan_scan_s` after, the thread claims the journals of dead
writers (a killed worker, a crashed server) and writes them too, then deletes them.
Writes are idempotent (request_id / event_id), so each event is stored exactly once
whatever was written before the crash.

A record the database refuses for good (`RecordRejected`) is isolated by writing the
batch one event at a time and set aside in `audit-rejected.jsonl` with the reason.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from aimonitor.store.errors import RecordRejected, StoreUnavailable
from aimonitor.store.journal import (
    REJECTED_FILE,
    Journal,
    JournalReader,
    Orphan,
    adopt_legacy_spill,
    claim_orphans,
    is_legacy,
    set_aside,
)
from aimonitor.store.protocol import Store
from aimonitor.store.records import Event, event_to_json

log = logging.getLogger(__name__)


class WriterObserver(Protocol):
    """What the writer reports; the service adapts it to Prometheus metrics."""

    def on_write_failure(self) -> None: ...

    def on_replayed(self, n: int) -> None: ...

    def on_written(self, events: Sequence[Event]) -> None: ...

    def queue_depth(self, n: int) -> None: ...


def call_observer(observer: object | None, method: str, *args: object) -> None:
    """Report to the observer; a failing observer is logged, never raised to the writer."""
    if observer is None:
        return
    try:
        getattr(observer, method)(*args)
    except Exception:
        log.exception("writer observer %s failed", method)


class AsyncWriter:
    def __init__(
        self,
        store: Store,
        journal_dir: Path,
        batch_size: int = 200,
        flush_interval_s: float = 0.2,
        observer: WriterObserver | None = None,
        *,
        fsync_interval_ms: float = 20.0,
        retry_initial_s: float = 0.1,
        retry_max_s: float = 5.0,
        orphan_scan_s: float = 10.0,
    ) -> None:
        self._store = store
        self._directory = journal_dir
        self._rejected = journal_dir / REJECTED_FILE
        self._fsync_interval_ms = fsync_interval_ms
        self._batch_size = batch_size
        self._flush_interval_s = flush_interval_s
        self._observer = observer
        self._retry_initial_s = retry_initial_s
        self._retry_max_s = retry_max_s
        self._orphan_scan_s = orphan_scan_s
        self._backoff_s = retry_initial_s
        self._retry_at = 0.0
        self._open_lock = threading.Lock()
        # Opened by the first submit or start, so that building a writer touches no file.
        self._journal: Journal | None = None
        self._reader: JournalReader | None = None
        self._orphans: list[Orphan] = []
        self._last_write = 0.0
        self._drain_until = 0.0
        self._thread: threading.Thread | None = None
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._hurry = threading.Event()  # flush() or stop(): don't wait to fill a batch
        self._idle = threading.Condition()

    @property
    def journal_dir(self) -> Path:
        return self._directory

    @property
    def writer_id(self) -> str:
        return self._open()[0].writer_id

    @property
    def queue_depth(self) -> int:
        """Events journaled and not in the database yet (this writer's and the orphans'
        it claimed)."""
        journal, reader = self._journal, self._reader
        own = 0 if journal is None or reader is None else journal.seq - reader.consumed
        return own + sum(orphan.backlog for orphan in list(self._orphans))

    # --- producer side -----------------------------------------------------------

    def _open(self) -> tuple[Journal, JournalReader]:
        journal, reader = self._journal, self._reader
        if journal is not None and reader is not None:
            return journal, reader
        with self._open_lock:
            if self._journal is None or self._reader is None:
                journal = Journal(self._directory, self._fsync_interval_ms)
                self._reader = JournalReader(
                    self._directory, journal.writer_id, journal, self._rejected
                )
                self._journal = journal
            return self._journal, self._reader

    def start(self) -> None:
        if self._thread is not None:
            return
        self._open()
        self._stopping.clear()
        self._hurry.clear()
        self._thread = threading.Thread(
            target=self._run, name="aimonitor-store-writer", daemon=True
        )
        self._thread.start()

    def submit(self, event: Event) -> None:
        """Journal an event. Returns once it survives a crash of this process; raises
        StoreUnavailable when it cannot be journaled (the event is then not recorded)."""
        journal, reader = self._open()
        seq = journal.append(event)
        if seq - reader.consumed >= self._batch_size:
            self._wake.set()

    def flush(self, timeout_s: float = 5.0) -> bool:
        """Wait until everything journaled so far is in the database. False on timeout."""
        deadline = time.monotonic() + timeout_s
        self._hurry.set()
        self._wake.set()
        try:
            with self._idle:
                while self.queue_depth > 0:
                    remaining = deadline - time.monotonic()
                    if remaining <= 0:
                        return False
                    self._idle.wait(min(remaining, 0.05))
            return True
        finally:
            self._hurry.clear()

    def stop(self, timeout_s: float = 10.0) -> None:
        """Write what is journaled to the database, within `timeout_s`; what is left (the
        database is down) stays in the journal for the next writer to replay."""
        # The thread gives up a little before the join does, so that stop() closes the
        # journal (left for the next writer) instead of leaving it open.
        self._drain_until = time.monotonic() + timeout_s * 0.8
        self._stopping.set()
        self._hurry.set()
        self._wake.set()
        thread = self._thread
        if thread is not None:
            thread.join(timeout_s)
            if thread.is_alive():
                log.error("store writer did not stop within %.1fs", timeout_s)
                return  # still using the journal: leave it as it is
        self._thread = None
        journal = self._journal
        if journal is not None:
            left = self.queue_depth
            journal.close(remove=left == 0)
            if left:
                log.warning("%d audit records left in the journal for the next start", left)
        self._journal, self._reader = None, None
        for orphan in self._orphans:
            if orphan.reader.pending_lines() == 0:
                orphan.release()
            else:
                orphan.abandon()  # not finished: the next writer claims it again
        self._orphans = []
        self._notify()

    # --- writer thread -------------------------------------------------------------

    def _run(self) -> None:
        next_scan = 0.0
        while True:
            now = time.monotonic()
            # Stopping: write what is left, with retries, while stop() waits.
            if self._stopping.is_set() and (self.queue_depth == 0 or now >= self._drain_until):
                break
            if now >= next_scan:
                self._claim_orphans()
                next_scan = now + self._orphan_scan_s
            try:
                progressed = self._cycle()
            except Exception:  # the writer thread must survive anything
                log.exception("store writer cycle failed")
                progressed = False
                self._failed_later()
            self._notify()
            if not progressed:
                self._pause()

    def _pause(self) -> None:
        """Wait for a full batch, a flush, a partial batch's time, or the retry time."""
        if self._retry_at:
            timeout = self._retry_at - time.monotonic()
        elif self._hurry.is_set() and self.queue_depth:
            return
        else:
            timeout = self._last_write + self._flush_interval_s - time.monotonic()
        self._wake.wait(max(0.001, min(timeout, self._flush_interval_s)))
        self._wake.clear()

    def _cycle(self) -> bool:
        """Write one batch from each source that has one; True when anything was written."""
        if time.monotonic() < self._retry_at:
            return False
        self._retry_at = 0.0
        progressed = False
        for orphan in list(self._orphans):
            written = self._write_from(orphan.reader)
            if written is None:
                return progressed
            if written:
                progressed = True
                orphan.backlog = max(0, orphan.backlog - written)
                self._call("on_replayed", written)
            else:
                self._orphans.remove(orphan)
                orphan.release()
                log.info("audit journal of writer %s replayed", orphan.reader.writer_id)
        reader = self._reader
        if reader is not None and self.queue_depth > 0:
            # A partial batch waits for flush_interval_s unless someone is waiting on it.
            journal = self._journal
            pending = 0 if journal is None else journal.seq - reader.consumed
            if pending >= self._batch_size or self._hurry.is_set() or self._due():
                written = self._write_from(reader)
                progressed = progressed or bool(written)
        return progressed

    def _due(self) -> bool:
        """A partial batch is written once flush_interval_s has passed since the last."""
        return time.monotonic() - self._last_write >= self._flush_interval_s

    def _write_from(self, reader: JournalReader) -> int | None:
        """Write the next batch of a journal: the lines consumed (0: nothing to do), or
        None when the database is unavailable (retried later from the same place)."""
        entries, position = reader.read(self._batch_size)
        lines = position[2]
        if lines == 0:
            return 0
        events = [e.event for e in entries]
        stamps = (
            None if is_legacy(reader.writer_id) else [(reader.writer_id, e.seq) for e in entries]
        )
        try:
            self._write_events(events, stamps)
        except StoreUnavailable:
            return None
        reader.commit(position)
        self._last_write = time.monotonic()
        return lines

    def _write_events(self, events: list[Event], stamps: list[tuple[str, int]] | None) -> None:
        """Write events; on an outage raise StoreUnavailable (nothing committed)."""
        if not events:
            return
        try:
            self._store.write_batch(events, stamps)
            self._written(events)
            return
        except RecordRejected:
            pass
        except StoreUnavailable as exc:
            self._failed(exc)
            raise
        except Exception as exc:  # a bug must not lose records: keep them for a later try
            log.exception("unexpected error writing to the store")
            self._failed(exc)
            raise StoreUnavailable(str(exc)) from exc
        for index, event in enumerate(events):
            stamp = None if stamps is None else stamps[index]
            try:
                self._store.write_batch([event], None if stamp is None else [stamp])
                self._written([event])
            except RecordRejected as exc:
                log.error("store rejected a %s record for good: %s", type(event).__name__, exc)
                self._call("on_write_failure")
                set_aside(self._rejected, {"reason": str(exc), "writer": stamp,
                                           "event": event_to_json(event)})  # fmt: skip
            except Exception as exc:
                self._failed(exc)
                raise StoreUnavailable(str(exc)) from exc

    def _claim_orphans(self) -> None:
        journal = self._journal
        if journal is None:
            return
        try:
            adopted = adopt_legacy_spill(self._directory)
            if adopted:
                log.info("%d records of a spill file left by an earlier version queued", adopted)
            for orphan in claim_orphans(self._directory, journal.writer_id, self._rejected):
                orphan.backlog = orphan.reader.pending_lines()
                log.info("replaying the audit journal of writer %s (%d records)",
                         orphan.reader.writer_id, orphan.backlog)  # fmt: skip
                self._orphans.append(orphan)
        except OSError:
            log.exception("cannot scan the audit journal directory")

    def _written(self, events: Sequence[Event]) -> None:
        self._backoff_s = self._retry_initial_s
        self._call("on_written", events)

    def _failed(self, exc: BaseException) -> None:
        self._call("on_write_failure")
        log.warning("store unavailable (%s); retry in %.2fs", type(exc).__name__, self._backoff_s)
        self._failed_later()

    def _failed_later(self) -> None:
        self._retry_at = time.monotonic() + self._backoff_s
        self._backoff_s = min(self._backoff_s * 2, self._retry_max_s)

    def _notify(self) -> None:
        self._call("queue_depth", self.queue_depth)
        with self._idle:
            self._idle.notify_all()

    def _call(self, method: str, *args: object) -> None:
        call_observer(self._observer, method, *args)
