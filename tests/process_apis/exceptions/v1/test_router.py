"""The queue's routes at the edge: scopes, partners, unknown ids, malformed filters, document."""

from __future__ import annotations

from contracts.problems import PROBLEM_BASE_URI
from tests.process_apis.exceptions.conftest import QUEUE, READ, WRITE, Queue

OPERATIONS = {
    "listExceptions": READ,
    "getException": READ,
    "claimException": WRITE,
    "resumeException": WRITE,
    "retryException": WRITE,
    "cancelException": WRITE,
    "redriveExceptions": WRITE,
}


async def test_reading_needs_read_and_acting_needs_write(queue: Queue) -> None:
    _, exception_id = await queue.parked("A-1")
    reader = (READ,)

    anonymous = await queue.http.get(f"{QUEUE}/exceptions")
    listed = await queue.call("GET", f"{QUEUE}/exceptions", scopes=reader)
    refused = await queue.call("POST", f"{QUEUE}/exceptions/{exception_id}/claim", scopes=reader)

    assert anonymous.status_code == 401
    assert listed.status_code == 200
    assert refused.status_code == 403
    assert refused.json()["type"] == PROBLEM_BASE_URI + "insufficient-scope"
    assert (await queue.get(exception_id))["status"] == "open"


async def test_partner_clients_cannot_use_the_queue(queue: Queue) -> None:
    response = await queue.call("GET", f"{QUEUE}/exceptions", partner="acme")

    assert response.status_code == 403
    assert response.json()["type"] == PROBLEM_BASE_URI + "insufficient-scope"


async def test_an_unknown_exception_is_a_404_for_reads_and_actions(queue: Queue) -> None:
    read = await queue.call("GET", f"{QUEUE}/exceptions/exc-unknown")
    acted = await queue.act("exc-unknown", "cancel", {"reason": "x"})

    assert read.status_code == acted.status_code == 404
    assert acted.json()["type"] == PROBLEM_BASE_URI + "not-found"


async def test_malformed_filters_and_bodies_are_422(queue: Queue) -> None:
    _, exception_id = await queue.parked("A-2")

    bad_key = await queue.call("GET", f"{QUEUE}/exceptions", params={"key": "no-colon"})
    bad_status = await queue.call("GET", f"{QUEUE}/exceptions", params={"status": "lost"})
    extra_field = await queue.act(exception_id, "resume", {"data": {}, "force": True})
    too_many = await queue.call("GET", f"{QUEUE}/exceptions", params={"limit": 201})

    assert [r.status_code for r in (bad_key, bad_status, extra_field, too_many)] == [422] * 4
    assert (await queue.get(exception_id))["status"] == "open"


async def test_the_document_lists_every_operation_with_its_scope(queue: Queue) -> None:
    document = (await queue.http.get(f"{QUEUE}/openapi.json")).json()

    scopes = {
        operation["operationId"]: operation["security"]
        for path in document["paths"].values()
        for operation in path.values()
    }

    assert set(scopes) == set(OPERATIONS)
    for operation_id, scope in OPERATIONS.items():
        assert scope in str(scopes[operation_id])
