"""System API failures become retriable or refused step errors that survive DBOS's pickling."""

from __future__ import annotations

import pickle

import httpx
import pytest

from contracts.problems import Problem
from process_apis.time_to_cash.upstream import (
    UpstreamError,
    UpstreamRefusedError,
    UpstreamUnavailableError,
    is_transient,
    upstream_errors,
)
from system_apis.erp.v1.client import ErpApiError


def _problem(code: str, status: int) -> Problem:
    return Problem(
        type=f"https://atrium.dev/problems/{code}", title=code, status=status, detail="why"
    )


@pytest.mark.parametrize(
    ("code", "status", "kind"),
    [
        ("upstream-unavailable", 503, UpstreamUnavailableError),
        ("rate-limited", 429, UpstreamUnavailableError),
        ("idempotency-key-in-use", 409, UpstreamUnavailableError),
        ("period-closed", 409, UpstreamRefusedError),
        ("validation-failed", 422, UpstreamRefusedError),
        ("not-found", 404, UpstreamRefusedError),
    ],
)
def test_problems_are_retried_only_when_transient(
    code: str, status: int, kind: type[UpstreamError]
) -> None:
    with pytest.raises(kind) as raised, upstream_errors("erp"):
        raise ErpApiError(_problem(code, status))

    assert (raised.value.system, raised.value.code, raised.value.status) == ("erp", code, status)
    assert is_transient(raised.value) is (kind is UpstreamUnavailableError)


def test_psa_status_errors_and_network_errors_are_classified() -> None:
    request = httpx.Request("POST", "http://psa.test/time-entries/billing")
    bare = httpx.Response(502, text="bad gateway", request=request)

    with pytest.raises(UpstreamUnavailableError) as gateway, upstream_errors("psa"):
        bare.raise_for_status()
    with pytest.raises(UpstreamUnavailableError) as network, upstream_errors("psa"):
        raise httpx.ConnectError("refused", request=request)

    assert (gateway.value.status, gateway.value.code) == (502, "upstream-error")
    assert network.value.code == "unreachable"


def test_errors_survive_a_pickle_round_trip() -> None:
    error = UpstreamRefusedError("billing", 409, "already-invoiced", "Invoice 7 bills it.")

    again = pickle.loads(pickle.dumps(error))

    assert isinstance(again, UpstreamRefusedError)
    assert str(again) == str(error) == "billing answered 409 already-invoiced: Invoice 7 bills it."
