"""What an action does behind the exception: fork a failed run, refuse what cannot apply."""

from __future__ import annotations

from types import ModuleType

from process_apis._runtime.engine import current_runtime
from process_apis._runtime.exceptions import ExceptionKind, Trouble, open_exception
from process_apis._runtime.owners import load_owner_policy
from tests.process_apis.exceptions.conftest import Queue, problem_code


async def test_failed_run_becomes_an_exception_and_retry_forks_it_from_the_failed_step(
    queue: Queue, probe_steps: ModuleType
) -> None:
    run_id = await queue.start("C-105", mode="fail")
    await queue.wait_run(run_id, "failed")
    found = await queue.failed_exception(run_id)

    probe_steps.FIXED.add("C-105")  # someone fixed the upstream data
    retried = await queue.act(found["id"], "retry", {"note": "vendor fixed"})
    assert retried.status_code == 200, retried.text
    fork = retried.json()["resolution"]["run_id"]
    forked_run = await queue.wait_run(fork, "succeeded")

    assert found["kind"] == "failed-run"
    assert found["error_type"] == "run-failed"
    assert found["step"].endswith("risky_step")
    assert found["owner"] == "integration-team"
    assert found["business_keys"] == {"case": "C-105", "cohort": "default"}
    assert "RuntimeError" in found["error_chain"][0]
    assert retried.status_code == 200, retried.text
    assert fork != run_id
    assert forked_run["output"] == {"record_id": "rec-C-105"}
    assert forked_run["business_keys"] == {"case": "C-105", "cohort": "default"}
    # The step before the failure is kept, not run again; the failed one runs again.
    assert probe_steps.CALLS == {"prepare:C-105": 1, "risky_step:C-105": 2}
    assert (await queue.run(run_id))["status"] == "failed"


async def test_a_run_that_compensated_is_not_retried_from_its_failed_step(
    queue: Queue, probe_steps: ModuleType
) -> None:
    run_id = await queue.start("C-106", mode="compensate")
    await queue.wait_run(run_id, "failed")
    found = await queue.failed_exception(run_id)
    probe_steps.FIXED.add("C-106")

    refused = await queue.act(found["id"], "retry")

    assert refused.status_code == 409
    assert problem_code(refused) == "exception-action-unavailable"
    assert (await queue.get(found["id"]))["status"] == "open"
    assert probe_steps.CALLS["risky_step:C-106"] == 1


async def test_resume_applies_only_to_a_run_waiting_for_data(queue: Queue) -> None:
    run_id = await queue.start("C-107", mode="fail")
    await queue.wait_run(run_id, "failed")
    found = await queue.failed_exception(run_id)

    refused = await queue.act(found["id"], "resume", {"data": {"employee_number": "E0001"}})

    assert refused.status_code == 409
    assert problem_code(refused) == "exception-action-unavailable"


async def test_a_dead_letter_without_its_delivery_cannot_be_retried(queue: Queue) -> None:
    runtime = current_runtime()
    exception_id = await open_exception(
        runtime.store,
        load_owner_policy(runtime.context.policy_dir),
        exception_id="exc-dead-letter-test",
        kind=ExceptionKind.DEAD_LETTER,
        trouble=Trouble(
            error_type="event-undeliverable",
            title="worker.hired could not be delivered",
            detail="5 attempts failed",
            system="events",
            data={"delivery_id": "no-such-delivery"},
        ),
        event_id="evt-1",
    )

    refused = await queue.act(exception_id, "retry")
    cancelled = await queue.act(exception_id, "cancel", {"reason": "consumer retired"})

    assert refused.status_code == 409
    assert problem_code(refused) == "exception-action-unavailable"
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
