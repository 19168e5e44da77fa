"""Fault injection over real HTTP, against a tiny dummy vendor."""

from __future__ import annotations

import threading
import time

import httpx
import pytest

from sandboxes._kit.faults import Drift, Faults, FaultState, apply_drift
from tests.fixtures.sandboxes import RunningSandbox, SandboxServers
from tests.sandboxes._kit import dummy_vendor


@pytest.fixture
def dummy(sandbox_server: SandboxServers) -> RunningSandbox:
    return sandbox_server(factory=dummy_vendor.create_app)


def statuses(sandbox: RunningSandbox, n: int, path: str = "/v1/things") -> list[int]:
    with httpx.Client(base_url=sandbox.url, timeout=5) as client:
        return [client.get(path).status_code for _ in range(n)]


def test_error_next_fails_exactly_the_next_requests(dummy: RunningSandbox) -> None:
    dummy.set_faults(error_next=2, error_status=502)
    assert statuses(dummy, 3) == [502, 502, 200]
    assert dummy.stats()["injected"] == {"error": 2}


def test_error_rate_one_fails_every_request(dummy: RunningSandbox) -> None:
    dummy.set_faults(error_rate=1.0)
    assert statuses(dummy, 3) == [503, 503, 503]


def test_seeded_error_rate_repeats_the_same_pattern(dummy: RunningSandbox) -> None:
    dummy.set_faults(error_rate=0.5, seed=7)
    first = statuses(dummy, 12)
    dummy.set_faults(error_rate=0.5, seed=7)
    assert statuses(dummy, 12) == first
    assert {200, 503} == set(first)


def test_storm_answers_429_in_the_vendor_format_with_retry_after(dummy: RunningSandbox) -> None:
    dummy.set_faults(storm=2, storm_retry_after_s=3)
    with httpx.Client(base_url=dummy.url, timeout=5) as client:
        throttled = client.get("/v1/things")
        client.get("/v1/things")
        after = client.get("/v1/things")
    assert throttled.status_code == 429
    assert throttled.headers["retry-after"] == "3"
    assert throttled.json() == {"error": "slow down", "limit": "storm"}
    assert after.status_code == 200
    assert dummy.stats()["rate_limited"] == 2


def test_dropped_connection_cuts_the_response_mid_body(dummy: RunningSandbox) -> None:
    dummy.set_faults(drop_next=1)
    with httpx.Client(base_url=dummy.url, timeout=5) as client:
        with pytest.raises(httpx.RemoteProtocolError):
            client.get("/v1/things")
        assert client.get("/v1/things").status_code == 200


def test_hang_outlasts_the_client_timeout_and_frees_the_server(dummy: RunningSandbox) -> None:
    dummy.set_faults(hang_next=1, hang_s=60)
    with httpx.Client(base_url=dummy.url, timeout=0.3) as client, pytest.raises(httpx.ReadTimeout):
        client.get("/v1/things")
    with httpx.Client(base_url=dummy.url, timeout=5) as client:
        assert client.get("/v1/things").status_code == 200


def test_clearing_faults_releases_a_hanging_request(dummy: RunningSandbox) -> None:
    dummy.set_faults(hang_next=1, hang_s=60)
    result: list[int] = []

    def call() -> None:
        with httpx.Client(base_url=dummy.url, timeout=20) as client:
            result.append(client.post("/v1/things", json={"name": "late"}).status_code)

    caller = threading.Thread(target=call)
    caller.start()
    deadline = time.monotonic() + 5
    while dummy.stats()["injected"].get("hang") != 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    dummy.clear_faults()
    caller.join(timeout=10)
    assert result == [201]  # the body read while hanging reached the route intact
    assert dummy.store.find("things", name="late")


def test_latency_delays_the_answer(dummy: RunningSandbox) -> None:
    dummy.set_faults(latency_ms=200)
    with httpx.Client(base_url=dummy.url, timeout=5) as client:
        response = client.get("/v1/things")
    assert response.status_code == 200
    assert response.elapsed.total_seconds() >= 0.2


def test_drift_renames_and_adds_fields_in_every_object(dummy: RunningSandbox) -> None:
    dummy.set_faults(drift={"extra_fields": {"surprise": 1}, "rename_fields": {"name": "title"}})
    with httpx.Client(base_url=dummy.url, timeout=5) as client:
        body = client.get("/v1/things").json()
        text = client.get("/v1/text")
    assert body["surprise"] == 1
    assert body["page"] == {"size": 100, "surprise": 1}
    assert all("title" in t and "name" not in t and t["surprise"] == 1 for t in body["things"])
    assert text.text == "plain words"


def test_path_prefix_limits_faults_to_matching_paths(dummy: RunningSandbox) -> None:
    dummy.set_faults(error_rate=1.0, path_prefix="/v1/things/")
    assert statuses(dummy, 1, "/v1/things") == [200]
    assert statuses(dummy, 1, "/v1/things/1") == [503]


def test_control_routes_are_never_faulted_or_counted(dummy: RunningSandbox) -> None:
    dummy.set_faults(error_next=1)
    assert dummy.stats()["requests"] == 0
    assert statuses(dummy, 1) == [503]
    assert dummy.stats()["requests"] == 1


def test_invalid_faults_are_refused(dummy: RunningSandbox) -> None:
    with httpx.Client(base_url=dummy.url, timeout=5) as client:
        assert client.put("/_sandbox/faults", json={"error_rate": 2}).status_code == 422
        assert client.put("/_sandbox/faults", json={"explode": True}).status_code == 422


def test_clear_and_get_faults(dummy: RunningSandbox) -> None:
    dummy.set_faults(latency_ms=5)
    dummy.clear_faults()
    with httpx.Client(base_url=dummy.url, timeout=5) as client:
        assert client.get("/_sandbox/faults").json() == Faults().model_dump()


def test_apply_drift_reaches_nested_lists_and_leaves_scalars() -> None:
    drift = Drift(extra_fields={"x": True}, rename_fields={"a": "b"})
    assert apply_drift({"a": [{"a": 1}, 2]}, drift) == {"b": [{"b": 1, "x": True}, 2], "x": True}
    assert apply_drift("text", drift) == "text"


def test_storm_goes_before_errors_and_counts_down() -> None:
    state = FaultState()
    state.set(Faults(storm=1, error_next=1))
    assert state.plan("/x").storm
    assert state.plan("/x").error
    assert state.plan("/x") == type(state.plan("/y"))()
