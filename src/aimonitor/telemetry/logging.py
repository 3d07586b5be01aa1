"""JSON logs: one object per line, to stdout and to a rotated file under the log dir.

Records are formatted to JSON in the thread that logs them (so the current trace id is
the request's), then handed through a bounded queue to a background thread that does
the writing: a slow stdout or disk never stalls the request path. When the queue is
full the record is dropped and counted (`dropped_log_records()`), never blocking.

Privacy: `RequestLogger` drops raw text fields (`TEXT_FIELDS`) unless the operator set
`AIMONITOR_LOG_TEXT=true`. See docs/telemetry.md for the fields of a line.
"""

from __future__ import annotations

import atexit
import json
import logging
import queue
import sys
import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from logging.handlers import QueueHandler, QueueListener, RotatingFileHandler
from typing import Final

import orjson
from opentelemetry import trace

from aimonitor.config import Settings

LOG_FILE_NAME: Final = "app.log"
MAX_BYTES: Final = 10 * 1024 * 1024
BACKUP_COUNT: Final = 5
QUEUE_SIZE: Final = 10_000
STOP_TIMEOUT_S: Final = 5.0
# Free text typed by users or produced by the model: logged only with log_text=True.
TEXT_FIELDS: Final = frozenset({"prompt", "response", "comment"})
# Structured fields travel on the record under this attribute (see RequestLogger).
FIELDS_ATTR: Final = "json_fields"
CORE_KEYS: Final = ("time", "level", "logger", "message")
# uvicorn's own loggers go through ours; its access log is off because the request
# line already says everything it would, without the client's raw IP address.
UVICORN_LOGGERS: Final = ("uvicorn", "uvicorn.error", "uvicorn.asgi")
UVICORN_ACCESS_LOGGER: Final = "uvicorn.access"

# Record attributes that are not fields; uvicorn's `color_message` is its message with
# terminal colour codes, useless in JSON.
_RESERVED: Final = frozenset(
    {
        *vars(logging.LogRecord("", 0, "", 0, "", None, None)),
        "message",
        "asctime",
        "color_message",
        FIELDS_ATTR,
    }
)


# What the standard encoder with default=str wrote: non-string keys as strings, and
# dataclasses and datetimes through str() rather than orjson's own forms.
_ORJSON_OPTIONS: Final = (
    orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_DATETIME
)


def _encode(entry: dict[str, object]) -> str:
    # orjson: much cheaper than the standard encoder, on a line written per request.
    try:
        return orjson.dumps(entry, default=str, option=_ORJSON_OPTIONS).decode("utf-8")
    except orjson.JSONEncodeError:  # integers beyond 64 bits, lone surrogates
        return json.dumps(entry, ensure_ascii=False, default=str)


def _rfc3339(created: float) -> str:
    moment = datetime.fromtimestamp(created, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _current_trace_id() -> str | None:
    context = trace.get_current_span().get_span_context()
    return format(context.trace_id, "032x") if context.is_valid else None


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time (RFC 3339, UTC, milliseconds), level, logger,
    message, then the record's structured fields and `extra=` attributes. A traceback
    becomes the single field `exception` (newlines escaped, so the line stays one line).
    """

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": _rfc3339(record.created),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        attributes = vars(record)
        if attributes.keys() - _RESERVED:  # `extra=` attributes; usually none
            for key, value in attributes.items():
                if key not in _RESERVED:
                    entry.setdefault(key, value)
        fields = getattr(record, FIELDS_ATTR, None)
        if isinstance(fields, dict):
            for key, value in fields.items():
                entry.setdefault(str(key), value)
        if "trace_id" not in entry and (trace_id := _current_trace_id()) is not None:
            entry["trace_id"] = trace_id
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return _encode(entry)


# How often the writer thread looks for new records: a put does not wake it, so a
# request never pays a thread switch for its log line.
POLL_S: Final = 0.05


class _QuietQueue(queue.Queue[str | None]):
    """A bounded queue of formatted lines whose put_nowait does not wake the reader: the
    reader polls every POLL_S and writes what piled up. A blocking put (the stop
    sentinel, None) wakes it."""

    def put_nowait(self, item: str | None) -> None:
        with self.mutex:
            if 0 < self.maxsize <= self._qsize():
                raise queue.Full
            self._put(item)
            self.unfinished_tasks += 1

    def get(self, block: bool = True, timeout: float | None = None) -> str | None:
        if not block or timeout is not None:
            return super().get(block, timeout)
        with self.not_empty:
            while not self._qsize():
                self.not_empty.wait(POLL_S)
            item = self._get()
            self.not_full.notify()
            return item


class _DroppingQueueHandler(QueueHandler):
    """Formats in the caller's thread and queues the line (not a copy of the record, as
    the stock handler does); drops (and counts) instead of blocking."""

    def __init__(self, lines: _QuietQueue) -> None:
        super().__init__(lines)
        self.lines = lines
        self.dropped = 0
        self._dropped_lock = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = f"{self.format(record)}\n"
        except Exception:  # as Handler.emit: reported on stderr, never raised
            self.handleError(record)
            return
        try:
            self.lines.put_nowait(line)
        except queue.Full:
            with self._dropped_lock:
                self.dropped += 1


class _StdoutTarget(logging.StreamHandler):  # type: ignore[type-arg]
    def write_lines(self, lines: list[str]) -> None:
        self.stream.write("".join(lines))
        self.flush()


class _FileTarget(RotatingFileHandler):
    def write_lines(self, lines: list[str]) -> None:
        """Append `lines`, rolling over before the one that would reach maxBytes, as
        RotatingFileHandler does record by record (without its two stat calls a record)."""
        if self.stream is None:
            self.stream = self._open()
        size = self.stream.seek(0, 2)
        pending: list[str] = []
        for line in lines:
            if self.maxBytes > 0 and size and size + len(line) >= self.maxBytes:
                self.stream.write("".join(pending))
                pending = []
                self.doRollover()
                size = 0
            pending.append(line)
            size += len(line)
        self.stream.write("".join(pending))
        self.flush()


class _Listener(QueueListener):
    """Writes the queued lines in batches: one write and one flush per target for
    everything that piled up since the last poll, where the stock listener made five
    system calls per record per target, each one a hand-over of the GIL to and from the
    event loop. Its stop() neither fails on a full queue nor hangs on a stuck writer, and
    may be called twice."""

    def __init__(self, lines: _QuietQueue, *targets: _Target) -> None:
        super().__init__(lines, *targets)
        # Typed handles: the base class keeps them as a bare queue protocol and Handlers.
        self.targets = targets
        self.lines = lines

    def _monitor(self) -> None:
        lines = self.lines
        while True:
            batch = [lines.get()]  # waits (polling, see _QuietQueue)
            while batch[-1] is not None:
                try:
                    batch.append(lines.get_nowait())
                except queue.Empty:
                    break
            stopping = batch[-1] is None
            written = [line for line in batch if line is not None]
            if written:
                self._write(written)
            for _ in batch:
                lines.task_done()
            if stopping:
                return

    def _write(self, lines: list[str]) -> None:
        for target in self.targets:
            target.acquire()
            try:
                target.write_lines(lines)
            except Exception:  # as Handler.emit: reported on stderr, never raised
                target.handleError(logging.makeLogRecord({"msg": lines[0].rstrip("\n")}))
            finally:
                target.release()

    def stop(self) -> None:
        thread = self._thread
        if thread is None:
            return
        try:
            self.lines.put(None, timeout=STOP_TIMEOUT_S)  # None: the sentinel
        except queue.Full:
            return  # the writer is stuck (e.g. stdout blocked): leave its daemon thread
        thread.join(STOP_TIMEOUT_S)
        self._thread = None


_Target = _StdoutTarget | _FileTarget


class _Installed:
    """What configure_logging put in place, so that it can be replaced or stopped."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.handler: _DroppingQueueHandler | None = None
        self.listener: _Listener | None = None
        self.targets: list[logging.Handler] = []
        self.dropped_before = 0
        self.atexit_registered = False


_installed = _Installed()


def configure_logging(settings: Settings) -> None:
    """Send every log record (ours, uvicorn's, libraries') as JSON lines to stdout and
    to `settings.log_dir / "app.log"` (rotated: 10 MB × 5). Calling it again replaces
    what the previous call installed. Run uvicorn with `log_config=None` so that it
    keeps this configuration."""
    with _installed.lock:
        _stop_locked()
        settings.log_dir.mkdir(parents=True, exist_ok=True)
        stdout = _StdoutTarget(sys.stdout)
        rotating = _FileTarget(
            settings.log_dir / LOG_FILE_NAME,
            maxBytes=MAX_BYTES,
            backupCount=BACKUP_COUNT,
            encoding="utf-8",
        )

        lines = _QuietQueue(QUEUE_SIZE)
        handler = _DroppingQueueHandler(lines)
        handler.setFormatter(JsonFormatter())
        listener = _Listener(lines, stdout, rotating)
        listener.start()

        # The lines carry none of the caller's file, line, thread or process: not
        # computing them saves a frame walk and three lookups per record (the knobs of
        # the logging HOWTO's "Optimization" section).
        logging._srcfile = None
        logging.logThreads = False
        logging.logProcesses = False
        logging.logMultiprocessing = False

        root = logging.getLogger()
        root.addHandler(handler)
        root.setLevel(settings.log_level)
        for name in UVICORN_LOGGERS:
            uvicorn_logger = logging.getLogger(name)
            uvicorn_logger.handlers.clear()
            uvicorn_logger.propagate = True
            uvicorn_logger.setLevel(logging.NOTSET)  # follow AIMONITOR_LOG_LEVEL
        logging.getLogger(UVICORN_ACCESS_LOGGER).disabled = True

        _installed.handler = handler
        _installed.listener = listener
        _installed.targets = [stdout, rotating]
        if not _installed.atexit_registered:
            atexit.register(shutdown_logging)
            _installed.atexit_registered = True


def shutdown_logging() -> None:
    """Write out what is queued and close the handlers configure_logging installed.
    Safe to call more than once; later records go to Python's last-resort handler."""
    with _installed.lock:
        _stop_locked()


def _stop_locked() -> None:
    if _installed.listener is not None:
        _installed.listener.stop()  # drains the queue before returning
    if _installed.handler is not None:
        logging.getLogger().removeHandler(_installed.handler)
        _installed.dropped_before += _installed.handler.dropped
    for target in _installed.targets:
        target.close()
    _installed.handler = None
    _installed.listener = None
    _installed.targets = []


def dropped_log_records() -> int:
    """Records dropped because the log queue was full, since the process started."""
    current = _installed.handler.dropped if _installed.handler is not None else 0
    return _installed.dropped_before + current


class RequestLogger:
    """Writes the one log line of each request (message "request")."""

    def __init__(self, logger: logging.Logger, *, log_text: bool = False) -> None:
        self.logger = logger
        self.log_text = log_text

    @classmethod
    def from_settings(cls, settings: Settings) -> RequestLogger:
        return cls(logging.getLogger("aimonitor.requests"), log_text=settings.log_text)

    def log(
        self,
        *,
        request_id: str,
        scenario: str | None,
        status: str,
        latency_ms: float,
        trace_id: str | None = None,
        status_code: int | None = None,
        decision: str | None = None,
        guardrails: Sequence[object] = (),
        risk_level: str | None = None,
        model: str | None = None,
        client: str | None = None,
        **extra: object,
    ) -> None:
        """`client` must already be pseudonymised. Keys in `TEXT_FIELDS` (raw prompt,
        response, comment) are dropped unless the logger was built with log_text=True."""
        level = logging.ERROR if status == "error" else logging.INFO
        if not self.logger.isEnabledFor(level):
            return
        fields: dict[str, object] = {
            "request_id": request_id,
            "trace_id": trace_id,
            "scenario": scenario,
            "status": status,
            "status_code": status_code,
            "latency_ms": round(latency_ms, 3),
            "decision": decision,
            "guardrails": list(guardrails),
            "risk_level": risk_level,
            "model": model,
            "client": client,
        }
        for key, value in extra.items():
            if key in TEXT_FIELDS and not self.log_text:
                continue
            if key not in CORE_KEYS:
                fields.setdefault(key, value)
        self.logger.log(level, "request", extra={FIELDS_ATTR: fields})
