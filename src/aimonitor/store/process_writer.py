"""The audit writer in a child process: `ProcessWriter`, the same contract as
`AsyncWriter` (submit never blocks nor drops, flush, stop drains) with the database
work on another core.

Why a process: writing a record (its rows, its JSON columns, sealing it into the audit
chain) costs about 170 µs of Python. In a thread, that work holds the event loop's
GIL, and every GIL hand-over in between stalls the request being served: measured in
process, the thread writer made each request about 300 µs slower, a quarter of its
cost (docs/bench/predict.md). In a child process it runs beside the server instead.

The child (forked from a fork server, see `_context`: no copy of the server's threads
and sockets) runs an `AsyncWriter` over its own connection to the same database, so the spill
file, the retries and the replay are the ones the thread writer has. The parent keeps
a copy of every batch it sends until the child reports it finished (written to the
store or appended to the spill file). If the child dies, the parent appends what was
not finished to the spill file itself and starts a new child, which replays it: a
crash of the writer loses nothing accepted, and writes are idempotent, so an event
finished just before the crash and spilled again is not stored twice.

The child ignores SIGINT and SIGTERM: a Ctrl-C or a `kill` of the whole process group
reaches the server, whose shutdown asks the child to drain. A child whose parent died
drains on its own and exits.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import multiprocessing
import pickle
import signal
import threading
import time
from collections import Counter, deque
from collections.abc import Mapping
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.context import ForkServerContext, SpawnContext
from pathlib import Path
from typing import Any, Protocol

from aimonitor.store.records import Event, event_severity, event_type
from aimonitor.store.spill import SPILL_FILE, SpillFile
from aimonitor.store.writer import AsyncWriter, call_observer, take_up_to, wait_for_empty

log = logging.getLogger(__name__)

AuditCounts = Mapping[tuple[str, str], int]  # (event type, severity) -> events written


class ProcessWriterObserver(Protocol):
    """What the process writer reports (the thread writer's observer, with written
    events reported as counts: the events themselves stay in the child)."""

    def on_write_failure(self) -> None: ...

    def on_spilled(self, n: int) -> None: ...

    def on_replayed(self, n: int) -> None: ...

    def on_written_counts(self, counts: AuditCounts) -> None: ...

    def queue_depth(self, n: int) -> None: ...


@dataclass(frozen=True, slots=True)
class WriterOptions:
    """The child's AsyncWriter settings."""

    database_url: str
    spill_dir: Path
    batch_size: int = 200
    flush_interval_s: float = 0.2
    queue_max: int = 100_000
    retry_initial_s: float = 0.1
    retry_max_s: float = 5.0


class ProcessWriter:
    def __init__(
        self,
        options: WriterOptions,
        observer: ProcessWriterObserver | None = None,
        *,
        start_timeout_s: float = 60.0,
    ) -> None:
        self._options = options
        self._observer = observer
        self._start_timeout_s = start_timeout_s
        self._lock = threading.Lock()
        self._changed = threading.Condition(self._lock)
        self._unsent: deque[Event] = deque()
        # Batches sent to the current child and not reported finished: (events sent up
        # to and including this batch, the batch).
        self._unfinished: deque[tuple[int, list[Event]]] = deque()
        self._sent = 0  # events sent to the current child
        self._finished = 0  # of those, finished according to the child
        self._backlog = 0  # the child's spill file and held events
        self._wake = threading.Event()
        self._hurry = False
        self._stopping = False
        self._running = False
        self._process: Any = None
        self._conn: Connection | None = None
        self._send_lock = threading.Lock()
        self._sender: threading.Thread | None = None
        self._receiver: threading.Thread | None = None
        self._ready = threading.Event()
        self._child_stopped = threading.Event()
        self._restart_delay_s = options.retry_initial_s

    @property
    def spill_path(self) -> Path:
        return self._options.spill_dir / SPILL_FILE

    @property
    def queue_depth(self) -> int:
        """Events not yet in the store (as AsyncWriter.queue_depth): not sent, sent and
        not finished, or waiting in the spill file."""
        return len(self._unsent) + self._sent - self._finished + self._backlog

    @property
    def child_pid(self) -> int | None:
        return None if self._process is None else int(self._process.pid)

    # --- lifecycle -----------------------------------------------------------------

    def start(self) -> None:
        if self._running:
            return
        self._stopping = False
        self._running = True
        self._spawn()
        self._sender = threading.Thread(
            target=self._send_loop, name="aimonitor-writer-feed", daemon=True
        )
        self._sender.start()
        # An interpreter exiting without stop() would otherwise wait forever in
        # multiprocessing's exit hook for a child that waits for the end of our pipe.
        atexit.register(self.stop)

    def _spawn(self) -> None:
        context = _context()
        parent_end, child_end = context.Pipe(duplex=True)
        self._ready.clear()
        self._child_stopped.clear()
        process = context.Process(
            target=_child_main,
            args=(child_end, self._options),
            name="aimonitor-store-writer",
            daemon=False,  # a daemon child is killed at exit, before it has drained
        )
        # Until the child's first report, the spill file it is about to replay counts as
        # not stored yet: a flush in between must not see an empty backlog. (No child runs
        # now, so opening the file is safe.)
        pending = SpillFile(self._options.spill_dir).pending
        process.start()
        child_end.close()
        with self._send_lock, self._lock:
            self._process, self._conn = process, parent_end
            self._sent = self._finished = 0
            self._backlog = pending
        self._receiver = threading.Thread(
            target=self._receive_loop,
            args=(parent_end, process),
            name="aimonitor-writer-acks",
            daemon=True,
        )
        self._receiver.start()
        if not self._ready.wait(self._start_timeout_s):
            log.error("the store writer process did not start in %.0fs", self._start_timeout_s)

    def submit(self, event: Event) -> None:
        """Hand an event over. Never blocks, never drops."""
        unsent = self._unsent
        unsent.append(event)  # deque appends are atomic; the sender wakes once per batch
        if len(unsent) == self._options.batch_size:
            self._wake.set()

    def flush(self, timeout_s: float = 5.0) -> bool:
        """Wait until everything handed over so far is in the store. False on timeout."""
        deadline = time.monotonic() + timeout_s
        self._hurry = True
        self._wake.set()
        try:
            with self._changed:
                # The child is told to hurry once it has everything handed over so far.
                while self._unsent and time.monotonic() < deadline:
                    self._changed.wait(0.01)
            self._send(("flush", max(0.0, deadline - time.monotonic())))
            return wait_for_empty(self._changed, lambda: self.queue_depth, deadline)
        finally:
            self._hurry = False

    def stop(self, timeout_s: float = 10.0) -> None:
        """Send what is left, let the child drain and exit; spill what it did not finish."""
        atexit.unregister(self.stop)
        if not self._running:
            self._spill_unfinished()
            return
        self._stopping = True
        self._wake.set()
        if self._sender is not None:
            self._sender.join(timeout_s)
        self._send(("stop", timeout_s))
        if not self._child_stopped.wait(timeout_s + 5.0):
            log.error("store writer process did not drain within %.1fs; stopping it", timeout_s)
        process = self._process
        if process is not None:
            process.join(5.0)
            if process.is_alive():
                process.kill()
                process.join(5.0)
        if self._receiver is not None:
            self._receiver.join(5.0)
        self._running = False
        self._spill_unfinished()
        self._report_depth()

    # --- parent threads --------------------------------------------------------------

    def _send_loop(self) -> None:
        batch_size = self._options.batch_size
        while True:
            stopping = self._stopping
            if len(self._unsent) < batch_size and not (self._hurry or stopping):
                self._wake.wait(self._options.flush_interval_s)
            self._wake.clear()
            while self._unsent:
                if not self._send_batch(self._take(batch_size)):
                    time.sleep(0.05)  # between two children: the batch waits for the next
                    break
            with self._changed:
                self._changed.notify_all()
            if stopping:
                return

    def _send_batch(self, batch: list[Event]) -> bool:
        payload = pickle.dumps(("events", batch), protocol=pickle.HIGHEST_PROTOCOL)
        # Under the send lock: the receiver of a dead child takes it before spilling what
        # the child did not finish, so a batch is either recorded as sent to a child (and
        # spilled with the rest if that child died) or put back, never forgotten.
        with self._send_lock:
            if self._conn is None:
                self._unsent.extendleft(reversed(batch))
                return False
            with self._lock:
                self._sent += len(batch)
                self._unfinished.append((self._sent, batch))
            # A dead child: the receiver spills this batch with the others.
            with contextlib.suppress(OSError, ValueError):
                self._conn.send_bytes(payload)
        return True

    def _take(self, limit: int) -> list[Event]:
        return take_up_to(self._unsent, limit)

    def _send(self, message: tuple[str, Any]) -> None:
        """Send to the child; a dead child is the receiver's to handle (its batches stay
        unfinished and are spilled)."""
        payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        with self._send_lock:
            conn = self._conn
            if conn is None:
                return
            with contextlib.suppress(OSError, ValueError):
                conn.send_bytes(payload)

    def _receive_loop(self, conn: Connection, process: Any) -> None:
        while True:
            try:
                kind, payload = pickle.loads(conn.recv_bytes())
            except (EOFError, OSError):
                break
            if kind == "ready":
                self._restart_delay_s = self._options.retry_initial_s
                self._ready.set()
            elif kind == "progress":
                self._progress(*payload)
            elif kind == "stopped":
                self._progress(*payload)
                self._child_stopped.set()
            else:
                self._relay(kind, payload)
        process.join(5.0)
        self._ready.set()
        if self._stopping or self._child_stopped.is_set():
            self._child_stopped.set()
            return
        log.error("store writer process exited (code %s); restarting it", process.exitcode)
        self._call("on_write_failure")
        with self._send_lock:
            self._conn = None
        conn.close()
        self._spill_unfinished()
        # A child that keeps dying before it is ready is restarted less and less often.
        time.sleep(self._restart_delay_s)
        self._restart_delay_s = min(self._restart_delay_s * 2, self._options.retry_max_s)
        if not self._stopping:
            self._spawn()

    def _progress(self, finished: int, backlog: int) -> None:
        with self._changed:
            self._finished, self._backlog = finished, backlog
            while self._unfinished and self._unfinished[0][0] <= finished:
                self._unfinished.popleft()
            self._changed.notify_all()
        self._report_depth()

    def _relay(self, kind: str, payload: Any) -> None:
        if kind == "written":
            self._call("on_written_counts", payload)
        elif kind == "spilled":
            self._call("on_spilled", payload)
        elif kind == "replayed":
            self._call("on_replayed", payload)
        elif kind == "failure":
            self._call("on_write_failure")

    def _spill_unfinished(self) -> None:
        """Append every event not finished by a child to the spill file (no child is
        running: the parent is the spill file's only writer at that moment)."""
        with self._changed:
            events = [event for _, batch in self._unfinished for event in batch]
            self._unfinished.clear()
            if not self._running or self._stopping:
                events += self._take(len(self._unsent) + 1)
            self._sent = self._finished = 0
            self._changed.notify_all()
        if not events:
            return
        try:
            SpillFile(self._options.spill_dir).append(events)
        except OSError:
            log.critical("%d audit records lost: spill file not writable", len(events))
            self._call("on_write_failure")
            return
        self._call("on_spilled", len(events))
        with self._changed:
            self._backlog += len(events)

    def _report_depth(self) -> None:
        self._call("queue_depth", self.queue_depth)

    def _call(self, method: str, *args: object) -> None:
        call_observer(self._observer, method, *args)


def _context() -> ForkServerContext | SpawnContext:
    """Children forked from a fork server that has the store's modules loaded: a new
    writer starts in tens of milliseconds instead of the half second that importing
    SQLAlchemy and Alembic takes, and, unlike a fork of the server itself, carries no
    copy of its threads, sockets or locks. Spawned where there is no fork server."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return SpawnContext()
    context = ForkServerContext()
    # Only our modules: the default would also import the program's __main__.
    context.set_forkserver_preload([__name__, "aimonitor.store.sql", "aimonitor.store.engine"])
    return context


# --- the child ------------------------------------------------------------------------


class _Relay:
    """The child's AsyncWriter observer: forwards what it reports to the parent."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self._lock = threading.Lock()
        self.writer: AsyncWriter | None = None

    def send(self, kind: str, payload: Any = None) -> None:
        data = pickle.dumps((kind, payload), protocol=pickle.HIGHEST_PROTOCOL)
        # A failed send means the parent is gone: the child drains on EOF.
        with self._lock, contextlib.suppress(OSError, ValueError):
            self._conn.send_bytes(data)

    def progress(self, kind: str = "progress") -> None:
        if self.writer is not None:
            self.send(kind, (self.writer.finished_count, self.writer.backlog))

    def on_write_failure(self) -> None:
        self.send("failure")

    def on_spilled(self, n: int) -> None:
        self.send("spilled", n)

    def on_replayed(self, n: int) -> None:
        self.send("replayed", n)

    def on_written(self, events: Any) -> None:
        self.send("written", dict(Counter((event_type(e), event_severity(e)) for e in events)))

    def queue_depth(self, n: int) -> None:
        self.progress()


def _child_main(conn: Connection, options: WriterOptions) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    from aimonitor.store.engine import make_engine
    from aimonitor.store.sql import SqlStore
    from aimonitor.telemetry.logging import JsonFormatter

    # JSON lines on stderr: the server's log file has one writer, the server.
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    logging.basicConfig(level=logging.INFO, handlers=[handler])

    relay = _Relay(conn)
    # The parent migrated the database; the child only connects (lazily: a database down
    # now is an outage the writer spills through, not a failed start).
    store = SqlStore(make_engine(options.database_url))
    writer = AsyncWriter(
        store,
        spill_dir=options.spill_dir,
        batch_size=options.batch_size,
        flush_interval_s=options.flush_interval_s,
        queue_max=options.queue_max,
        observer=relay,
        retry_initial_s=options.retry_initial_s,
        retry_max_s=options.retry_max_s,
    )
    relay.writer = writer
    writer.start()
    relay.send("ready")
    stop_timeout_s = 10.0
    while True:
        try:
            kind, payload = pickle.loads(conn.recv_bytes())
        except (EOFError, OSError):
            break  # the parent died: drain and exit
        if kind == "events":
            for event in payload:
                writer.submit(event)
        elif kind == "flush":
            threading.Thread(target=writer.flush, args=(payload,), daemon=True).start()
        elif kind == "stop":
            stop_timeout_s = float(payload)
            break
    writer.stop(timeout_s=stop_timeout_s)
    store.close()
    relay.progress("stopped")
    conn.close()
