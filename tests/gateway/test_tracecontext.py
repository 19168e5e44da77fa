"""W3C traceparent is accepted, generated and echoed; request ids are accepted when safe."""

from __future__ import annotations

import httpx
import pytest

from gateway.tracecontext import continue_or_start, parse_traceparent

VALID = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "garbage",
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
        "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
        "00-4bf92f3577b34da6a3ce929d0e0e47-00f067aa0ba902b7-01",
    ],
)
def test_invalid_traceparent_is_rejected(value: str | None) -> None:
    assert parse_traceparent(value) is None


def test_future_version_with_extra_fields_is_accepted() -> None:
    parsed = parse_traceparent("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what")
    assert parsed == ("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", "01")


def test_continue_keeps_trace_and_flags_with_a_new_span() -> None:
    ctx = continue_or_start(VALID)
    assert ctx.trace_id == "4bf92f3577b34da6a3ce929d0e0e4736"
    assert ctx.parent_span_id == "00f067aa0ba902b7"
    assert ctx.span_id != "00f067aa0ba902b7"
    assert ctx.traceparent == f"00-{ctx.trace_id}-{ctx.span_id}-01"


def test_start_makes_a_fresh_sampled_trace() -> None:
    a, b = continue_or_start(None), continue_or_start("nonsense")
    assert a.trace_id != b.trace_id
    assert parse_traceparent(a.traceparent) is not None
    assert a.parent_span_id is None


async def test_response_echoes_trace_and_request_id(client: httpx.AsyncClient) -> None:
    response = await client.get("/livez", headers={"traceparent": VALID, "x-request-id": "req-42"})
    assert response.headers["x-request-id"] == "req-42"
    assert response.headers["traceparent"].split("-")[1] == "4bf92f3577b34da6a3ce929d0e0e4736"


async def test_unsafe_request_id_is_replaced(client: httpx.AsyncClient) -> None:
    response = await client.get("/livez", headers={"x-request-id": "bad id\twith<html>"})
    assert response.headers["x-request-id"] != "bad id\twith<html>"
    assert len(response.headers["x-request-id"]) == 32
