"""Idempotency-Key on POST/PATCH, on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import select

from gateway.edge.idempotency import fingerprint, is_stored
from gateway.edge.idempotency_store import (
    IdempotencyStore,
    KeyScope,
    Owned,
    create_idempotency_store,
    idempotency_records,
)
from gateway.settings import GatewaySettings
from tests.fixtures.edge import EdgeGateway, edge_gateway

PROBLEMS = "https://atrium.dev/problems/"


def key() -> str:
    return f"key-{uuid.uuid4()}"


async def post_order(
    edge: EdgeGateway, token: str, idempotency_key: str | None, body: object
) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"}
    if idempotency_key is not None:
        headers["Idempotency-Key"] = idempotency_key
    return await edge.http.post(f"{edge.base}/orders", json=body, headers=headers)


@pytest.fixture
async def edge(db_settings: GatewaySettings, edge_base: str) -> AsyncIterator[EdgeGateway]:
    async with edge_gateway(db_settings, edge_base) as gateway:
        yield gateway


async def test_replays_stored_response_when_key_reused_with_same_payload(
    edge: EdgeGateway,
) -> None:
    token, k = await edge.token(), key()
    first = await post_order(edge, token, k, {"item": "laptop", "quantity": 2})
    again = await post_order(edge, token, k, {"quantity": 2, "item": "laptop"})

    assert first.status_code == 201
    assert "idempotent-replayed" not in first.headers
    assert again.status_code == 201
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json()
    assert again.headers["location"] == first.headers["location"]
    assert first.json()["key_seen"] == k  # the key reaches the API
    assert (await edge.calls())["orders"] == 1


async def test_canonical_json_ignores_spacing_and_key_order(edge: EdgeGateway) -> None:
    token, k = await edge.token(), key()
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": k}
    headers_json = {**headers, "Content-Type": "application/json"}
    url = f"{edge.base}/orders"
    await edge.http.post(url, content=b'{"item":"a","quantity":1}', headers=headers_json)
    again = await edge.http.post(
        url, content=b'{ "quantity" : 1,\n "item" : "a" }', headers=headers_json
    )
    assert again.headers["idempotent-replayed"] == "true"
    assert (await edge.calls())["orders"] == 1


async def test_same_key_with_other_payload_is_422(edge: EdgeGateway) -> None:
    token, k = await edge.token(), key()
    await post_order(edge, token, k, {"item": "laptop"})
    response = await post_order(edge, token, k, {"item": "phone"})

    assert response.status_code == 422
    assert response.json()["type"] == PROBLEMS + "idempotency-key-reused"
    assert (await edge.calls())["orders"] == 1


@pytest.mark.parametrize(
    "bad_key",
    ["", "   ", "x" * 256, "tab\there", "bell\x07", '""'],
    ids=["empty", "blank", "too-long", "tab", "control", "empty-sf-string"],
)
async def test_malformed_key_is_400_and_never_reaches_the_api(
    edge: EdgeGateway, bad_key: str
) -> None:
    token = await edge.token()
    response = await post_order(edge, token, bad_key, {"item": "laptop"})

    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == PROBLEMS + "invalid-idempotency-key"
    assert (await edge.calls())["orders"] == 0


async def test_key_of_255_printable_characters_and_sf_string_form_are_accepted(
    edge: EdgeGateway,
) -> None:
    token = await edge.token()
    longest = await post_order(edge, token, "k" * 255, {"item": "a"})
    quoted = await post_order(edge, token, '"8e03978e-40d5-43e8"', {"item": "a"})
    replay = await post_order(edge, token, "8e03978e-40d5-43e8", {"item": "a"})

    assert (longest.status_code, quoted.status_code) == (201, 201)
    assert replay.headers["idempotent-replayed"] == "true"


async def test_validation_failure_is_not_stored_and_key_is_released(edge: EdgeGateway) -> None:
    token, k = await edge.token(), key()
    invalid = await post_order(edge, token, k, {"quantity": "many"})
    fixed = await post_order(edge, token, k, {"item": "laptop"})

    assert invalid.status_code == 422
    assert fixed.status_code == 201
    assert "idempotent-replayed" not in fixed.headers
    assert (await edge.calls())["orders"] == 1


@pytest.mark.parametrize(
    ("status", "stored"),
    [
        (200, True),
        (201, True),
        (404, True),
        (409, True),
        (400, False),
        (401, False),
        (403, False),
        (422, False),
        (429, False),
        (500, False),
        (503, False),
    ],
)
def test_only_outcomes_of_the_operation_are_stored(status: int, stored: bool) -> None:
    # 401/403 come from the edge before the operation ran: a later authorized retry must run.
    assert is_stored(status) is stored


async def test_server_error_is_not_stored(edge: EdgeGateway) -> None:
    token, k = await edge.token(), key()
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": k}
    first = await edge.http.post(f"{edge.base}/flaky", headers=headers)
    second = await edge.http.post(f"{edge.base}/flaky", headers=headers)

    assert (first.status_code, second.status_code) == (503, 503)
    assert "idempotent-replayed" not in second.headers
    assert (await edge.calls())["failures"] == 2


async def test_concurrent_duplicates_execute_once_and_get_replay_or_409(
    edge: EdgeGateway,
) -> None:
    token, k = await edge.token(), key()
    responses = await asyncio.gather(
        *(post_order(edge, token, k, {"item": "laptop"}) for _ in range(100))
    )

    statuses = sorted(r.status_code for r in responses)
    assert set(statuses) <= {201, 409}
    assert (await edge.calls())["orders"] == 1
    originals = [
        r for r in responses if r.status_code == 201 and "idempotent-replayed" not in r.headers
    ]
    assert len(originals) == 1
    for response in responses:
        if response.status_code == 409:
            assert response.json()["type"] == PROBLEMS + "idempotency-key-in-use"
            assert response.headers["retry-after"]
        else:
            assert response.json() == originals[0].json()


async def test_same_key_from_two_clients_runs_twice(edge: EdgeGateway) -> None:
    k = key()
    first = await post_order(edge, await edge.token(), k, {"item": "laptop"})
    second = await post_order(edge, await edge.token(), k, {"item": "laptop"})

    assert "idempotent-replayed" not in second.headers
    assert first.json()["client_id"] != second.json()["client_id"]
    assert (await edge.calls())["orders"] == 2


async def test_key_is_scoped_per_method_and_path(edge: EdgeGateway) -> None:
    token, k = await edge.token(), key()
    headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": k}
    body = {"item": "laptop"}
    created = await edge.http.post(f"{edge.base}/orders", json=body, headers=headers)
    patched = await edge.http.patch(f"{edge.base}/orders/1", json=body, headers=headers)
    patched_again = await edge.http.patch(f"{edge.base}/orders/1", json=body, headers=headers)

    assert (created.status_code, patched.status_code) == (201, 200)
    assert "idempotent-replayed" not in patched.headers
    assert patched_again.headers["idempotent-replayed"] == "true"
    assert (await edge.calls())["orders"] == 2


async def test_requests_without_key_are_not_deduplicated(edge: EdgeGateway) -> None:
    token = await edge.token()
    await post_order(edge, token, None, {"item": "laptop"})
    await post_order(edge, token, None, {"item": "laptop"})
    assert (await edge.calls())["orders"] == 2


def _store(edge: EdgeGateway, settings: GatewaySettings, **overrides: float) -> IdempotencyStore:
    store = create_idempotency_store(settings, edge.engine)
    for name, value in overrides.items():
        setattr(store, name, value)
    return store


async def _order_scope(edge: EdgeGateway, token: str, k: str) -> KeyScope:
    """The key scope the gateway computes for POST /orders by this token's client."""
    headers = {"Authorization": f"Bearer {token}"}
    whoami = (await edge.http.get(f"{edge.base}/items", headers=headers)).json()
    return KeyScope(f"client:{whoami['client_id']}", "POST", f"{edge.base}/orders", k)


def _fingerprint(body: object) -> str:
    return fingerprint(json.dumps(body).encode(), "application/json")


async def test_key_left_in_flight_by_a_crash_is_taken_over_after_its_lease(
    edge: EdgeGateway, db_settings: GatewaySettings
) -> None:
    token, k, body = await edge.token(), key(), {"item": "laptop"}
    crashed = _store(edge, db_settings, lease_s=0.0)  # a process that claimed, then died
    assert isinstance(
        await crashed.claim(await _order_scope(edge, token, k), _fingerprint(body)), Owned
    )

    response = await post_order(edge, token, k, body)
    again = await post_order(edge, token, k, body)

    assert response.status_code == 201
    assert again.headers["idempotent-replayed"] == "true"
    assert (await edge.calls())["orders"] == 1


async def test_key_in_flight_within_its_lease_answers_409(
    edge: EdgeGateway, db_settings: GatewaySettings
) -> None:
    token, k, body = await edge.token(), key(), {"item": "laptop"}
    running = _store(edge, db_settings)  # another process, still working on it
    assert isinstance(
        await running.claim(await _order_scope(edge, token, k), _fingerprint(body)), Owned
    )

    response = await post_order(edge, token, k, body)

    assert response.status_code == 409
    assert (await edge.calls())["orders"] == 0


async def test_purge_deletes_expired_records_only(
    edge: EdgeGateway, db_settings: GatewaySettings
) -> None:
    token = await edge.token()
    expired_key, live_key, body = key(), key(), {"item": "laptop"}
    short = _store(edge, db_settings, retention_s=-1.0)  # already past its retention
    await short.claim(await _order_scope(edge, token, expired_key), _fingerprint(body))
    await post_order(edge, token, live_key, body)

    await short.purge_expired()
    await short.aclose()

    table = idempotency_records
    async with edge.engine.connect() as conn:
        keys = set((await conn.execute(select(table.c.idempotency_key))).scalars())
    assert expired_key not in keys
    assert live_key in keys


async def test_expired_record_does_not_block_its_key(
    edge: EdgeGateway, db_settings: GatewaySettings
) -> None:
    token, k = await edge.token(), key()
    short = _store(edge, db_settings, retention_s=-1.0, purge_interval_s=3600.0)
    short._next_purge = float("inf")  # no purge: the claim path itself must see the expiry
    await short.claim(await _order_scope(edge, token, k), "another payload")

    response = await post_order(edge, token, k, {"item": "laptop"})

    assert response.status_code == 201
    assert (await edge.calls())["orders"] == 1
