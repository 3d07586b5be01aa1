from __future__ import annotations

import io
import json
import logging
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from aimonitor.config import Settings
from aimonitor.telemetry import logging as aimonitor_logging
from aimonitor.telemetry.logging import (
    LOG_FILE_NAME,
    UVICORN_LOGGERS,
    JsonFormatter,
    RequestLogger,
    configure_logging,
    dropped_log_records,
    shutdown_logging,
)
from aimonitor.telemetry.tracing import Tracing

RFC3339_MS_UTC = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")


@pytest.fixture(autouse=True)
def _restore_logging() -> Iterator[None]:
    loggers = [logging.getLogger(name) for name in ("", *UVICORN_LOGGERS, "uvicorn.access")]
    saved = [(lg.level, list(lg.handlers), lg.propagate, lg.disabled) for lg in loggers]
    yield
    shutdown_logging()
    for lg, (level, handlers, propagate, disabled) in zip(loggers, saved, strict=True):
        lg.setLevel(level)
        lg.handlers[:] = handlers
        lg.propagate = propagate
        lg.disabled = disabled


def _settings(tmp_path: Path, **overrides: object) -> Settings:
    return Settings(log_dir=tmp_path / "logs", **overrides)  # type: ignore[arg-type]


def _file_lines(tmp_path: Path) -> list[dict[str, object]]:
    text = (tmp_path / "logs" / LOG_FILE_NAME).read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines()]


def _log_request(logger: RequestLogger, **extra: object) -> None:
    logger.log(
        request_id="3f1c0a9e-1111-4b5e-9d7e-0123456789ab",
        trace_id="0af7651916cd43dd8448eb211c80319c",
        scenario="A",
        status="success",
        status_code=200,
        latency_ms=12.34567,
        decision="allow",
        guardrails=["pii_protection"],
        risk_level="minimal",
        model="sim-1",
        client="c-5d41402abc4b",
        **extra,
    )


def test_request_line_goes_to_stdout_and_file_as_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging(_settings(tmp_path))
    _log_request(RequestLogger(logging.getLogger("aimonitor.requests")), cost_eur=0.0004)
    shutdown_logging()

    [line] = _file_lines(tmp_path)
    assert RFC3339_MS_UTC.fullmatch(str(line.pop("time")))
    assert line == {
        "level": "INFO",
        "logger": "aimonitor.requests",
        "message": "request",
        "request_id": "3f1c0a9e-1111-4b5e-9d7e-0123456789ab",
        "trace_id": "0af7651916cd43dd8448eb211c80319c",
        "scenario": "A",
        "status": "success",
        "status_code": 200,
        "latency_ms": 12.346,
        "decision": "allow",
        "guardrails": ["pii_protection"],
        "risk_level": "minimal",
        "model": "sim-1",
        "client": "c-5d41402abc4b",
        "cost_eur": 0.0004,
    }
    [stdout_line] = capsys.readouterr().out.splitlines()
    assert json.loads(stdout_line)["request_id"] == "3f1c0a9e-1111-4b5e-9d7e-0123456789ab"


def test_raw_text_is_dropped_by_default(tmp_path: Path) -> None:
    configure_logging(_settings(tmp_path))
    logger = RequestLogger.from_settings(_settings(tmp_path))
    _log_request(logger, prompt="my card is 4111 1111 1111 1111", response="ok", comment="hi")
    shutdown_logging()

    [line] = _file_lines(tmp_path)
    assert not {"prompt", "response", "comment"} & set(line)
    assert "4111" not in (tmp_path / "logs" / LOG_FILE_NAME).read_text(encoding="utf-8")


def test_raw_text_is_kept_when_the_operator_turns_it_on(tmp_path: Path) -> None:
    settings = _settings(tmp_path, log_text=True)
    configure_logging(settings)
    _log_request(RequestLogger.from_settings(settings), prompt="bonjour\nà tous", response="ok")
    shutdown_logging()

    [line] = _file_lines(tmp_path)
    assert line["prompt"] == "bonjour\nà tous"
    assert line["response"] == "ok"


def test_error_status_is_logged_at_error_level(tmp_path: Path) -> None:
    configure_logging(_settings(tmp_path))
    logger = RequestLogger(logging.getLogger("aimonitor.requests"))
    logger.log(request_id="r", scenario="C", status="error", latency_ms=5.0, status_code=504)
    shutdown_logging()

    [line] = _file_lines(tmp_path)
    assert line["level"] == "ERROR"
    assert line["status_code"] == 504


def test_level_setting_filters_records(tmp_path: Path) -> None:
    configure_logging(_settings(tmp_path, log_level="WARNING"))
    logging.getLogger("aimonitor.x").info("hidden")
    logging.getLogger("aimonitor.x").warning("shown")
    shutdown_logging()

    assert [line["message"] for line in _file_lines(tmp_path)] == ["shown"]


def test_configuring_twice_does_not_duplicate_lines(tmp_path: Path) -> None:
    configure_logging(_settings(tmp_path))
    configure_logging(_settings(tmp_path))
    logging.getLogger("aimonitor.x").warning("once")
    shutdown_logging()

    assert [line["message"] for line in _file_lines(tmp_path)] == ["once"]
    ours = [h for h in logging.getLogger().handlers if isinstance(h, logging.handlers.QueueHandler)]
    assert ours == []


def test_exception_is_one_field_on_one_line(tmp_path: Path) -> None:
    configure_logging(_settings(tmp_path))
    try:
        raise ValueError("bad\nvalue")
    except ValueError:
        logging.getLogger("aimonitor.x").exception("failed %s", "stage")
    shutdown_logging()

    text = (tmp_path / "logs" / LOG_FILE_NAME).read_text(encoding="utf-8")
    assert len(text.splitlines()) == 1
    [line] = _file_lines(tmp_path)
    assert line["message"] == "failed stage"
    assert str(line["exception"]).startswith("Traceback")
    assert "ValueError: bad\nvalue" in str(line["exception"])


def test_uvicorn_records_use_the_json_format(tmp_path: Path) -> None:
    logging.getLogger("uvicorn.error").setLevel(logging.WARNING)  # as uvicorn.Config may leave it
    configure_logging(_settings(tmp_path))
    logging.getLogger("uvicorn.error").info(
        "Started server process [%d]", 42, extra={"color_message": "\x1b[36m%d\x1b[0m"}
    )
    logging.getLogger("uvicorn.access").info('127.0.0.1:5000 - "GET /health HTTP/1.1" 200')
    shutdown_logging()

    lines = _file_lines(tmp_path)
    assert [(line["logger"], line["message"]) for line in lines] == [
        ("uvicorn.error", "Started server process [42]")
    ]
    assert "color_message" not in lines[0]


def test_trace_id_of_the_current_span_is_added(tmp_path: Path) -> None:
    tracing = Tracing.for_tests(InMemorySpanExporter())
    configure_logging(_settings(tmp_path))
    with tracing.request_span(provider="simulated", model="m", scenario="A", request_id="r"):
        trace_id = tracing.current_trace_id()
        logging.getLogger("aimonitor.x").warning("inside")
    logging.getLogger("aimonitor.x").warning("outside")
    shutdown_logging()

    inside, outside = _file_lines(tmp_path)
    assert inside["trace_id"] == trace_id
    assert "trace_id" not in outside


def test_log_file_rotates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(aimonitor_logging, "MAX_BYTES", 2_000)
    configure_logging(_settings(tmp_path))
    for i in range(300):  # ≈ 20 files' worth: the oldest beyond five are dropped
        logging.getLogger("aimonitor.x").warning("line %d", i)
    shutdown_logging()

    names = sorted(p.name for p in (tmp_path / "logs").iterdir())
    assert names == ["app.log", "app.log.1", "app.log.2", "app.log.3", "app.log.4", "app.log.5"]
    # Rolled over between whole lines, each file under the limit, the newest lines kept.
    numbers = []
    for name in reversed(names):
        text = (tmp_path / "logs" / name).read_text(encoding="utf-8")
        assert 0 < len(text) < 2_000
        numbers += [int(json.loads(line)["message"].split()[1]) for line in text.splitlines()]
    assert numbers == list(range(numbers[0], 300))


def test_full_queue_drops_and_counts_instead_of_blocking(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(aimonitor_logging, "QUEUE_SIZE", 1)
    configure_logging(_settings(tmp_path))
    before = dropped_log_records()
    listener = aimonitor_logging._installed.listener
    assert listener is not None
    listener.stop()  # nobody drains the queue now
    for i in range(5):
        logging.getLogger("aimonitor.x").warning("line %d", i)

    assert dropped_log_records() - before == 4


def test_formatter_keeps_extra_attributes_and_core_keys() -> None:
    record = logging.LogRecord("aimonitor.x", logging.INFO, __file__, 1, "hello", None, None)
    record.user_id = "u-1"
    record.json_fields = {"level": "forged", "k": 1}

    line = json.loads(JsonFormatter().format(record))

    assert line["level"] == "INFO"
    assert line["user_id"] == "u-1"
    assert line["k"] == 1


@dataclass
class _Opaque:
    secret: str


def test_formatter_writes_what_the_standard_encoder_wrote_for_any_field() -> None:
    moment = datetime(2026, 12, 6, 16, 0, tzinfo=UTC)
    fields: dict[str, object] = {
        "text": "été — ok",
        "counts": {1: 2},  # a non-string key becomes a string
        "when": moment,  # str(), as before: not orjson's own datetime form
        "obj": _Opaque("x"),  # str() of the object, never its fields one by one
        "huge": 2**70,  # beyond 64 bits: the standard encoder takes over
        "ratio": 0.25,
        "tags": ("a", "b"),
    }
    record = logging.LogRecord("aimonitor.x", logging.INFO, __file__, 1, "hello", None, None)
    record.json_fields = fields
    line = json.loads(JsonFormatter().format(record))
    expected = json.loads(json.dumps(fields, ensure_ascii=False, default=str))
    assert {key: line[key] for key in fields} == expected
    del fields["huge"]
    line = json.loads(JsonFormatter().format(record))
    assert {key: line[key] for key in fields} == {k: v for k, v in expected.items() if k != "huge"}
    assert "été — ok" in JsonFormatter().format(record)  # UTF-8, not \\u escapes


class _CountingStream(io.StringIO):
    def __init__(self) -> None:
        super().__init__()
        self.writes = 0

    def write(self, text: str) -> int:
        self.writes += 1
        return super().write(text)


def test_a_burst_of_records_is_written_in_a_few_writes_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stdout = _CountingStream()
    monkeypatch.setattr(sys, "stdout", stdout)
    configure_logging(_settings(tmp_path))
    for i in range(500):
        logging.getLogger("aimonitor.x").warning("line %d", i)
    shutdown_logging()

    for text in (stdout.getvalue(), (tmp_path / "logs" / LOG_FILE_NAME).read_text("utf-8")):
        messages = [json.loads(line)["message"] for line in text.splitlines()]
        assert messages == [f"line {i}" for i in range(500)]
    # One write per batch of what piled up between two polls, not one per record.
    assert stdout.writes < 50
