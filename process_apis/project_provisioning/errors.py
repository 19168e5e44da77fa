"""What a provisioning step or run can end with, and how a system API's answer maps to it.

    StepError(step, system, status, code, detail)  picklable: DBOS records and replays it
     ├── StepRefusedError           4xx: refused for good -> the saga compensates, run fails
     └── UpstreamUnavailableError   transport error, 5xx, 429, key in use -> DBOS retries the
                                    step, then raises RetriesExhausted and the run parks
    ProvisioningFailedError(reason)     the run's end after a refusal and its compensations
    ProvisioningCancelledError(reason)  the run's end after a person cancelled it

Every class keeps its constructor arguments in `args`, so the copy DBOS unpickles when it
replays a failed step (or a recovered run) is the same exception.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from dbos._error import DBOSMaxStepRetriesExceeded

from system_apis.billing.v1.client import BillingApiError
from system_apis.erp.v1.client import ErpApiError

RetriesExhausted = DBOSMaxStepRetriesExceeded
"""What DBOS 3.4 (pinned) raises after a step's last retry; it does not re-export it."""

# Answers worth another attempt with the same key: the edge or the vendor was busy.
_TRANSIENT_STATUSES = frozenset({408, 425, 429})
_TRANSIENT_CODES = frozenset({"idempotency-key-in-use"})


class StepError(Exception):
    """A step's call to a system API failed."""

    def __init__(self, step: str, system: str, status: int, code: str, detail: str) -> None:
        super().__init__(step, system, status, code, detail)
        self.step = step
        self.system = system
        self.status = status
        self.code = code
        self.detail = detail

    def __str__(self) -> str:
        return f"{self.step}: {self.system} answered {self.status} {self.code}: {self.detail}"


class StepRefusedError(StepError):
    """The system refused the call; sending it again cannot help."""


class UpstreamUnavailableError(StepError):
    """The system could not answer; the same call may succeed later."""


class ProvisioningFailedError(Exception):
    """A step was refused; the completed steps were compensated."""


class ProvisioningCancelledError(Exception):
    """A person cancelled the parked run; the completed steps were compensated."""


def is_transient(error: BaseException) -> bool:
    """DBOS's retry predicate: only unavailability is retried."""
    return isinstance(error, UpstreamUnavailableError)


def last_error(exhausted: RetriesExhausted) -> StepError:
    """The error of a step's last attempt."""
    errors = [e for e in exhausted.errors if isinstance(e, StepError)]
    if errors:
        return errors[-1]
    return UpstreamUnavailableError(exhausted.step_name, "unknown", 0, "unknown", str(exhausted))


def _code_and_detail(body: bytes, fallback: str) -> tuple[str, str]:
    try:
        problem = json.loads(body)
        return str(problem["type"]).rsplit("/", 1)[-1], str(problem["detail"])[:500]
    except (ValueError, KeyError, TypeError):
        return "unknown", fallback


def classify(step: str, system: str, status: int, body: bytes, fallback: str) -> StepError:
    """The step error for a system API's error answer."""
    code, detail = _code_and_detail(body, fallback)
    retry = status >= 500 or status in _TRANSIENT_STATUSES or code in _TRANSIENT_CODES
    kind = UpstreamUnavailableError if retry else StepRefusedError
    return kind(step, system, status, code, detail)


@asynccontextmanager
async def calling(step: str, system: str) -> AsyncIterator[None]:
    """Turn the typed clients' errors inside the block into this module's step errors."""
    try:
        yield
    except (ErpApiError, BillingApiError) as exc:
        problem = exc.problem
        code = problem.type.rsplit("/", 1)[-1]
        body = json.dumps({"type": code, "detail": problem.detail}).encode()
        raise classify(step, system, problem.status, body, str(exc)) from None
    except httpx.HTTPStatusError as exc:
        response = exc.response
        raise classify(step, system, response.status_code, response.content, str(exc)) from None
    except httpx.TransportError as exc:
        raise UpstreamUnavailableError(step, system, 0, "transport", str(exc)[:500]) from None
