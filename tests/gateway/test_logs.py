"""JSON log lines: their timestamp, their fields, and which loggers write at INFO."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from gateway.logs import QUIET_LOGGERS, JsonFormatter, configure_logging, timestamp
from gateway.request_context import RequestContext, current_request
from gateway.tracecontext import continue_or_start


@pytest.mark.parametrize("created", [0.0, 1_795_378_232.0005, 1_795_378_232.9999, 1e9 + 0.25])
def test_timestamp_is_iso_8601_utc_with_milliseconds(created: float) -> None:
    expected = datetime.fromtimestamp(created, UTC).isoformat(timespec="milliseconds")
    assert timestamp(created) == expected


def test_line_carries_level_message_request_ids_and_extras() -> None:
    trace = continue_or_start(None)
    token = current_request.set(RequestContext("req-1", trace))
    try:
        record = logging.makeLogRecord(
            {"name": "atrium.access", "levelno": logging.INFO, "levelname": "INFO"}
        )
        record.msg, record.args, record.created = "%s %d", ("GET /x", 200), 0.5
        record.status, record._private = 200, "hidden"
        line = json.loads(JsonFormatter().format(record))
    finally:
        current_request.reset(token)

    assert line == {
        "ts": "1970-01-01T00:00:00.500+00:00",
        "level": "info",
        "logger": "atrium.access",
        "msg": "GET /x 200",
        "request_id": "req-1",
        "trace_id": trace.trace_id,
        "span_id": trace.span_id,
        "status": 200,
    }


@pytest.fixture
def restored_logging() -> Iterator[None]:
    """configure_logging changes process-wide state: put it back for the next tests."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    levels = {name: logging.getLogger(name).level for name in QUIET_LOGGERS}
    flags = (logging.logThreads, logging.logProcesses, logging.logMultiprocessing)
    srcfile = logging._srcfile
    try:
        yield
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
        for name, previous in levels.items():
            logging.getLogger(name).setLevel(previous)
        logging.logThreads, logging.logProcesses, logging.logMultiprocessing = flags
        logging._srcfile = srcfile
        logging.getLogger("uvicorn.access").disabled = False


@pytest.mark.usefixtures("restored_logging")
def test_at_info_the_access_log_writes_and_http_client_request_lines_do_not() -> None:
    configure_logging("info")

    assert logging.getLogger("atrium.access").isEnabledFor(logging.INFO)
    for name in QUIET_LOGGERS:
        assert not logging.getLogger(name).isEnabledFor(logging.INFO)
        assert logging.getLogger(name).isEnabledFor(logging.WARNING)


@pytest.mark.usefixtures("restored_logging")
def test_at_debug_the_http_client_logs_again() -> None:
    configure_logging("debug")

    for name in QUIET_LOGGERS:
        assert logging.getLogger(name).isEnabledFor(logging.DEBUG)
