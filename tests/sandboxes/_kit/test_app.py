"""The control routes, the vendor rate limit and persistence of a kit-built sandbox."""

from __future__ import annotations

from pathlib import Path

import httpx

from sandboxes._kit.store import Store
from sandboxes.demo_firm import build_demo_firm
from tests.fixtures.sandboxes import SandboxServers
from tests.sandboxes._kit import dummy_vendor


def test_seeded_sandbox_serves_the_demo_firm(sandbox_server: SandboxServers) -> None:
    dummy = sandbox_server(factory=dummy_vendor.create_app)
    with httpx.Client(base_url=dummy.url) as client:
        things = client.get("/v1/things").json()["things"]
    firm = build_demo_firm()
    assert [t["number"] for t in things] == [c.customer_number for c in firm.customers[:5]]


def test_unseeded_sandbox_starts_empty(sandbox_server: SandboxServers) -> None:
    dummy = sandbox_server(factory=dummy_vendor.create_app, seed=False)
    assert dummy.store.is_empty()


def test_reset_empties_and_seed_refills(sandbox_server: SandboxServers) -> None:
    dummy = sandbox_server(factory=dummy_vendor.create_app)
    dummy.store.insert("things", {"name": "extra"})
    dummy.reset()
    assert dummy.store.is_empty()
    assert dummy.seed() == {"things": 5}
    assert dummy.seed() == {"things": 5}  # seeding starts from empty every time


def test_seed_without_a_seeder_is_not_found(sandbox_server: SandboxServers) -> None:
    bare = sandbox_server(factory=dummy_vendor.create_unseedable_app, seed=False)
    with httpx.Client(base_url=bare.url) as client:
        assert client.post("/_sandbox/seed").status_code == 404


def test_vendor_limit_answers_its_own_429_per_account(sandbox_server: SandboxServers) -> None:
    dummy = sandbox_server(factory=dummy_vendor.create_app)
    with httpx.Client(base_url=dummy.url) as client:
        answers = [client.get("/v1/things", headers={"x-account": "a"}) for _ in range(4)]
        other = client.get("/v1/things", headers={"x-account": "b"})
        anonymous = client.get("/v1/things")
    assert [r.status_code for r in answers] == [200, 200, 200, 429]
    assert [r.headers.get("x-calls-left") for r in answers[:3]] == ["2", "1", "0"]
    assert answers[3].json() == {"error": "slow down", "limit": "3/minute"}
    assert 55 <= int(answers[3].headers["retry-after"]) <= 60
    assert (other.status_code, anonymous.status_code) == (200, 200)
    stats = dummy.stats()
    assert stats["rate_limited"] == 1
    assert stats["statuses"] == {"200": 5, "429": 1}


def test_limits_can_be_switched_off_and_on(sandbox_server: SandboxServers) -> None:
    dummy = sandbox_server(factory=dummy_vendor.create_app)
    account = {"x-account": "a"}
    with httpx.Client(base_url=dummy.url) as client:
        assert client.put("/_sandbox/limits", json={"enabled": False}).json() == {"enabled": False}
        assert {client.get("/v1/things", headers=account).status_code for _ in range(6)} == {200}
        assert client.put("/_sandbox/limits", json={"enabled": True}).json() == {"enabled": True}
        statuses = [client.get("/v1/things", headers=account).status_code for _ in range(4)]
        assert client.get("/_sandbox/limits").json() == {"enabled": True}
        assert client.put("/_sandbox/limits", json={"enabled": "maybe"}).status_code == 422
    assert statuses == [200, 200, 200, 429]


def test_reset_route_also_clears_rate_limit_windows(sandbox_server: SandboxServers) -> None:
    dummy = sandbox_server(factory=dummy_vendor.create_app)
    with httpx.Client(base_url=dummy.url) as client:
        for _ in range(3):
            client.get("/v1/things", headers={"x-account": "a"})
        dummy.reset()
        assert client.get("/v1/things", headers={"x-account": "a"}).status_code == 200


def test_stats_can_be_zeroed(sandbox_server: SandboxServers) -> None:
    dummy = sandbox_server(factory=dummy_vendor.create_app)
    with httpx.Client(base_url=dummy.url) as client:
        client.get("/v1/things")
    dummy.reset_stats()
    assert dummy.stats() == {"requests": 0, "rate_limited": 0, "statuses": {}, "injected": {}}


def test_restart_keeps_state_and_does_not_reseed(tmp_path: Path) -> None:
    path = tmp_path / "dummy.db"
    first = dummy_vendor.create_app(path, seed=True)
    first.state.store.insert("things", {"name": "added later"})
    first.state.store.close()
    again = dummy_vendor.create_app(path, seed=True)
    store: Store = again.state.store
    try:
        assert store.count("things") == 6
        assert store.find("things", name="added later")
    finally:
        store.close()
