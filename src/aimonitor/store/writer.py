"""Off-request-path writes: a queue drained by one background thread in batches.

`submit` is cheap and never blocks nor drops: when the queue is full the event goes
straight to the spill file. The writer thread writes a batch per transaction; when the
store is unavailable the batch is appended (fsync'd) to the spill file and the writer
retries with exponential backoff, replaying the spill file in order once the store is
back. While anything is waiting in the spill file, new batches are appended behind it,
so events reach the store in the order they were handed over (except those spilled by
`submit` on a full queue, which overtake the queue; the store makes feedback apply to
its request whichever arrives first). Writes are idempotent (request_id / event_id),
so replaying after a crash never duplicates a record.

A record the database refuses for good (`RecordRejected`) is isolated by writing the
batch one event at a time and set aside in `audit-rejected.jsonl` with the reason.

This thread is the audit chain's single writer in normal operation (see docs/audit.md).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

from aimonitor.store.errors import RecordRejected, StoreUnavailable
from aimonitor.store.protocol import Store
from aimonitor.store.records import Event
from aimonitor.store.spill import SpillFile

log = logging.getLogger(__name__)


class WriterObserver(Protocol):
    """What the writer reports; the service adapts it to Prometheus metrics."""

    def on_write_failure(self) -> None: ...

    def on_spilled(self, n: int) -> None: ...

    def on_replayed(self, n: int) -> None: ...

    def on_written(self, events: Sequence[Event]) -> None: ...

    def queue_depth(self, n: int) -> None: ...


class _Outage(Exception):
    """Internal: the store went away in the middle of a write."""


def take_up_to(queue: deque[Event], limit: int) -> list[Event]:
    """Pop up to `limit` events from the left of `queue`."""
    batch: list[Event] = []
    pop = queue.popleft
    try:
        while len(batch) < limit:
            batch.append(pop())
    except IndexError:  # empty
        pass
    return batch


def wait_for_empty(
    condition: threading.Condition, depth: Callable[[], int], deadline: float
) -> bool:
    """Wait on `condition` until `depth()` is 0 (True) or `deadline` passes (False)."""
    with condition:
        while depth() > 0:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            condition.wait(min(remaining, 0.05))
    return True


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
        spill_dir: Path,
        batch_size: int = 200,
        flush_interval_s: float = 0.2,
        queue_max: int = 100_000,
        observer: WriterObserver | None = None,
        *,
        retry_initial_s: float = 0.1,
        retry_max_s: float = 5.0,
    ) -> None:
        self._store = store
        self._spill = SpillFile(spill_dir)
        self._batch_size = batch_size
        self._flush_interval_s = flush_interval_s
        # A deque, not a queue.Queue: appending wakes nobody, so a request hands its
        # record over without a thread switch; the writer wakes once per batch instead
        # (a full batch, flush(), stop(), or flush_interval_s).
        self._queue: deque[Event] = deque()
        self._queue_max = queue_max
        self._wake = threading.Event()
        self._observer = observer
        self._retry_initial_s = retry_initial_s
        self._retry_max_s = retry_max_s
        self._backoff_s = retry_initial_s
        self._retry_at = 0.0
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self._hurry = threading.Event()  # flush() or stop(): don't wait to fill a batch
        self._idle = threading.Condition()
        # accepted - finished = events taken by the queue and not yet written or spilled.
        self._count_lock = threading.Lock()
        self._accepted = 0
        self._finished = 0
        self._settled_on_submit = 0  # events submit spilled (or lost), never queued
        # Events that neither the store nor the spill file (disk full...) could take; the
        # writer thread retries them. Last resort, memory only.
        self._held: list[Event] = []
        self._retrying_held = 0  # held events being retried (still counted as pending)

    @property
    def spill_path(self) -> Path:
        return self._spill.path

    @property
    def queue_depth(self) -> int:
        """Events not yet in the store: in the queue, being written, or in the spill file.
        Counted so that it may briefly over-count, never under-count (flush relies on it)."""
        return (
            self._accepted
            - self._finished
            + self._spill.pending
            + len(self._held)
            + self._retrying_held
        )

    @property
    def finished_count(self) -> int:
        """Events handed over so far that are written, spilled or held (no longer only
        in the queue)."""
        return self._finished + self._settled_on_submit

    @property
    def backlog(self) -> int:
        """Finished events that are not in the store yet: spilled or held."""
        return self._spill.pending + len(self._held) + self._retrying_held

    # --- producer side -----------------------------------------------------------

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stopping.clear()
        self._hurry.clear()
        self._thread = threading.Thread(
            target=self._run, name="aimonitor-store-writer", daemon=True
        )
        self._thread.start()

    def submit(self, event: Event) -> None:
        """Hand an event over. Never blocks on the database, never drops."""
        with self._count_lock:
            # Checked under the lock: stop() drains the queue under it, so an event is
            # either drained by stop() or spilled here, never left behind in the queue.
            accepted = not self._stopping.is_set() and len(self._queue) < self._queue_max
            if accepted:
                self._queue.append(event)
                self._accepted += 1
                if len(self._queue) == self._batch_size:
                    self._wake.set()
        if not accepted:
            try:
                self._spill_events([event])
            except OSError:
                # Queue full (or stopping) and the disk refuses too: nothing is left.
                log.critical("audit record lost: queue full and spill file not writable")
                self._call("on_write_failure")
            with self._count_lock:
                self._settled_on_submit += 1

    def flush(self, timeout_s: float = 5.0) -> bool:
        """Wait until everything handed over so far is in the store. False on timeout."""
        deadline = time.monotonic() + timeout_s
        self._hurry.set()
        self._wake.set()
        try:
            return wait_for_empty(self._idle, lambda: self.queue_depth, deadline)
        finally:
            self._hurry.clear()

    def stop(self, timeout_s: float = 10.0) -> None:
        """Drain the queue into the store; whatever cannot be written stays spilled."""
        self._stopping.set()
        self._hurry.set()
        self._wake.set()
        thread = self._thread
        if thread is not None:
            thread.join(timeout_s)
            if thread.is_alive():
                log.error("store writer did not stop within %.1fs; spilling the queue", timeout_s)
        # Without a thread (never started, or stuck), the queue goes to the spill file.
        with self._count_lock:
            leftovers = self._take_nowait(len(self._queue) + 1)
        self._finish(len(leftovers))
        held, self._held = [*self._held, *leftovers], []
        if held:
            try:
                self._spill_events(held)
            except OSError:
                log.critical("%d audit records lost at stop: spill file not writable", len(held))
                self._call("on_write_failure")
        self._thread = None
        self._notify(self.queue_depth)

    # --- writer thread -------------------------------------------------------------

    def _run(self) -> None:
        while not self._stopping.is_set():
            self._cycle()
        # Draining: one replay attempt, then the queue; a down store sends it all to spill.
        self._retry_at = 0.0
        self._retry_held()
        self._replay()
        while batch := self._take_nowait(self._batch_size):
            self._write(batch)
        self._notify(self.queue_depth)

    def _cycle(self) -> None:
        try:
            self._retry_held()
            self._replay()
            batch = self._take()
            if batch:
                self._write(batch)
        except Exception:  # the writer thread must survive anything
            log.exception("store writer cycle failed")
            time.sleep(self._flush_interval_s)
        self._notify(self.queue_depth)

    def _take(self) -> list[Event]:
        """Wait up to flush_interval_s for a full batch (or a flush), then take what
        is queued, up to a batch."""
        # In a hurry, nothing to wait for unless the queue is empty (then wait anyway,
        # or a flush during an outage would spin on an empty queue).
        if len(self._queue) < self._batch_size and not (self._hurry.is_set() and self._queue):
            self._wake.wait(self._flush_interval_s)
        self._wake.clear()
        return self._take_nowait(self._batch_size)

    def _take_nowait(self, limit: int) -> list[Event]:
        return take_up_to(self._queue, limit)

    def _write(self, batch: list[Event]) -> None:
        try:
            self._write_or_spill(batch)
        finally:
            self._finish(len(batch))

    def _write_or_spill(self, events: list[Event]) -> None:
        if self._spill.pending:
            # Older events wait in the spill file: queue behind them to keep the order.
            self._spill_or_hold(events)
            return
        try:
            self._write_events(events)
        except _Outage as outage:
            self._spill_or_hold(events[outage.args[0] :])

    def _retry_held(self) -> None:
        if self._held and time.monotonic() >= self._retry_at:
            self._retrying_held = len(self._held)
            events, self._held = self._held, []
            try:
                self._write_or_spill(events)
            finally:
                self._retrying_held = 0

    def _spill_or_hold(self, events: list[Event]) -> None:
        try:
            self._spill_events(events)
        except OSError as exc:
            log.critical("spill file not writable (%s); holding %d records in memory",
                         exc, len(events))  # fmt: skip
            self._call("on_write_failure")
            self._held.extend(events)

    def _finish(self, n: int) -> None:
        with self._count_lock:
            self._finished += n

    def _write_events(self, events: list[Event]) -> None:
        """Write events; on an outage raise _Outage(index of the first event not written)."""
        try:
            self._store.write_batch(events)
            self._report_written(events)
            self._backoff_s = self._retry_initial_s
            return
        except RecordRejected:
            pass
        except StoreUnavailable as exc:
            self._failed(exc)
            raise _Outage(0) from exc
        except Exception as exc:  # a bug must not lose records: keep them for a later try
            log.exception("unexpected error writing to the store")
            self._failed(exc)
            raise _Outage(0) from exc
        for index, event in enumerate(events):
            try:
                self._store.write_batch([event])
                self._report_written([event])
            except RecordRejected as exc:
                log.error("store rejected a %s record for good: %s", type(event).__name__, exc)
                self._call("on_write_failure")
                self._spill.reject(event, str(exc))
            except Exception as exc:
                self._failed(exc)
                raise _Outage(index) from exc

    def _replay(self) -> None:
        """Write the spill file back, in order, when the retry time has come."""
        while self._spill.pending and time.monotonic() >= self._retry_at:
            events, offset = self._spill.read(max(self._batch_size, 500))
            if not events:
                self._spill.commit(offset, 0)
                return
            try:
                self._write_events(events)
            except _Outage:
                return  # retried from the start of the chunk: idempotent writes skip the rest
            self._spill.commit(offset, len(events))
            self._call("on_replayed", len(events))
            log.info("replayed %d records from the spill file", len(events))

    def _failed(self, exc: BaseException) -> None:
        self._call("on_write_failure")
        self._retry_at = time.monotonic() + self._backoff_s
        log.warning("store unavailable (%s); retry in %.2fs", type(exc).__name__, self._backoff_s)
        self._backoff_s = min(self._backoff_s * 2, self._retry_max_s)

    def _spill_events(self, events: list[Event]) -> None:
        self._spill.append(events)
        self._call("on_spilled", len(events))

    def _report_written(self, events: Sequence[Event]) -> None:
        self._call("on_written", events)

    def _notify(self, depth: int) -> None:
        self._call("queue_depth", depth)
        with self._idle:
            self._idle.notify_all()

    def _call(self, method: str, *args: object) -> None:
        call_observer(self._observer, method, *args)
