"""Telling a system API's permanent refusal from a transient failure, for step code.

A step retries what may pass on a second attempt (5xx, timeouts, 408/429, a dropped
connection: DBOS step retries). A refusal (any other 4xx problem) will not, so the step
returns it as data (`{"refused": True, …}`) and the flow parks the run for a person.

Write keys (`step_key`) name the step's invocation: a DBOS retry or a recovery re-runs
the same invocation with the same key (the edge replays the first answer), while the step
run again after a person's "retry" is a new invocation with a new key — the edge stores
404 and 409 answers, which would otherwise be replayed to it.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
from dbos import DBOS

from process_apis._runtime.steps import idempotency_key
from system_apis.erp.v1.client import ErpApiError
from system_apis.hcm.v1.client import HcmApiError

TRANSIENT_4XX = frozenset({408, 425, 429})
STEP_RETRIES: dict[str, Any] = {
    "retries_allowed": True,
    "max_attempts": 5,
    "interval_seconds": 0.5,
    "backoff_rate": 2.0,
}
"""DBOS step retry settings for calls that may fail transiently."""


def _from_response(response: httpx.Response) -> tuple[int, str, str]:
    try:
        problem = response.json()
    except json.JSONDecodeError:
        problem = {}
    if not isinstance(problem, dict):
        problem = {}
    kind = str(problem.get("type", "about:blank"))
    return response.status_code, kind, str(problem.get("detail") or response.reason_phrase)


def refusal(exc: BaseException, system: str) -> dict[str, Any] | None:
    """`exc` as a refusal record when it is a permanent 4xx from a system API, else None."""
    if isinstance(exc, HcmApiError | ErpApiError):
        status, kind, detail = exc.problem.status, exc.problem.type, exc.problem.detail
    elif isinstance(exc, httpx.HTTPStatusError):
        status, kind, detail = _from_response(exc.response)
    else:
        return None
    if not 400 <= status < 500 or status in TRANSIENT_4XX:
        return None
    return {
        "refused": True,
        "system": system,
        "status": status,
        "problem_type": kind.rsplit("/", 1)[-1],
        "detail": str(detail)[:500],
    }


def refused(output: dict[str, Any]) -> bool:
    """Whether a step's output is a refusal record."""
    return output.get("refused") is True


def step_key(step: str, *parts: str) -> str:
    """`{run_id}:{step}[:part…]:s{invocation}`, the Idempotency-Key of a step's write."""
    return idempotency_key(step, *parts, f"s{DBOS.step_id}")
