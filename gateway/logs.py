"""Structured JSON log lines, each tagged with the current request and trace."""

from __future__ import annotations

import json
import logging
import sys
import time
from typing import Any

from gateway.request_context import current_request

_RESERVED = frozenset(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}
_LEVELS = {level: logging.getLevelName(level).lower() for level in range(0, 60, 10)}
_encode = json.JSONEncoder(separators=(",", ":"), default=str).encode
# Libraries whose INFO lines repeat the access log for every upstream call, URLs (query
# strings included) and all: at INFO they keep quiet; the proxy logs upstream failures.
QUIET_LOGGERS = ("httpx", "httpcore")


def timestamp(created: float) -> str:
    """ISO 8601 in UTC with milliseconds, e.g. '2026-01-31T12:00:00.123+00:00'."""
    seconds = int(created)
    millis = int((created - seconds) * 1000)
    return f"{time.strftime('%Y-%m-%dT%H:%M:%S', time.gmtime(seconds))}.{millis:03d}+00:00"


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request and trace ids, extras."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": timestamp(record.created),
            "level": _LEVELS.get(record.levelno) or record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        ctx = current_request.get()
        if ctx is not None:
            line["request_id"] = ctx.request_id
            line["trace_id"] = ctx.trace.trace_id
            line["span_id"] = ctx.trace.span_id
        for key, value in record.__dict__.items():
            if key not in _RESERVED and not key.startswith("_"):
                line[key] = value
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return _encode(line)


def configure_logging(level: str) -> None:
    """Send every logger (ours and uvicorn's) through one JSON handler on stderr."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    logging.getLogger("uvicorn.access").disabled = True
    quiet = logging.NOTSET if root.level < logging.INFO else max(logging.WARNING, root.level)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(quiet)  # at DEBUG they say everything again
    # The JSON line shows none of the caller's file, line, thread or process: skip
    # gathering them for every record (the logging HOWTO's "Optimization" section).
    logging._srcfile = None
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
