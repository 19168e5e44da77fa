"""What a system API's failure means to a step: try again, or stop and ask a person.

    Exception
     └── UpstreamError              a system API call failed (pickles: DBOS records it)
          ├── UpstreamUnavailableError   5xx, 429, key still in flight, network: DBOS retries
          └── UpstreamRefusedError       any other 4xx: retrying cannot help; the flow parks

Steps raise only these, never a client's own error: DBOS stores a step's error and raises
it again when a recovered run replays the step, so it must survive pickling.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from contracts.problems import PROBLEM_BASE_URI, Problem
from system_apis.billing.v1.client import BillingApiError
from system_apis.erp.v1.client import ErpApiError
from system_apis.hcm.v1.client import HcmApiError

# 409 `idempotency-key-in-use`: the first request with this key is still running (or its
# process died and the key's lease has not run out yet): the same key will go through.
_TRANSIENT_CODES = frozenset({"idempotency-key-in-use", "rate-limited"})


class UpstreamError(Exception):
    """A system API call failed: which system, its status and problem code, and why."""

    def __init__(self, system: str, status: int, code: str, detail: str) -> None:
        super().__init__(system, status, code, detail)
        self.system = system
        self.status = status
        self.code = code
        self.detail = detail

    def __str__(self) -> str:
        return f"{self.system} answered {self.status} {self.code}: {self.detail}"


class UpstreamUnavailableError(UpstreamError):
    """Worth retrying: the system is down, busy, or still working on the same key."""


class UpstreamRefusedError(UpstreamError):
    """Refused for good: a person must fix the data (or decide) before the step can pass."""


def is_transient(error: BaseException) -> bool:
    """DBOS's `should_retry`: only unavailability is retried automatically."""
    return isinstance(error, UpstreamUnavailableError)


def classify(system: str, status: int, code: str, detail: str) -> UpstreamError:
    """The error for an answer with this status and problem code."""
    if status == 0 or status >= 500 or status == 429 or code in _TRANSIENT_CODES:
        return UpstreamUnavailableError(system, status, code, detail)
    return UpstreamRefusedError(system, status, code, detail)


def _code(problem_type: str) -> str:
    if problem_type.startswith(PROBLEM_BASE_URI):
        return problem_type.removeprefix(PROBLEM_BASE_URI)
    return "upstream-error"


def _from_problem(system: str, problem: Problem) -> UpstreamError:
    return classify(system, problem.status, _code(problem.type), problem.detail or problem.title)


def _from_response(system: str, response: httpx.Response) -> UpstreamError:
    try:
        return _from_problem(system, Problem.model_validate_json(response.content))
    except ValueError:  # not a problem document (pydantic's ValidationError is one)
        return classify(system, response.status_code, "upstream-error", response.text[:300])


@contextmanager
def upstream_errors(system: str) -> Iterator[None]:
    """Turn the clients' errors inside the block into unavailable / refused upstream errors."""
    try:
        yield
    except (BillingApiError, ErpApiError, HcmApiError) as error:
        raise _from_problem(system, error.problem) from None
    except httpx.HTTPStatusError as error:
        raise _from_response(system, error.response) from None
    except httpx.TransportError as error:
        raise UpstreamUnavailableError(
            system, 0, "unreachable", str(error) or repr(error)
        ) from None
