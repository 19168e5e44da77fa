"""Undoing what a run created, step by step, when it cannot finish.

The flow records one `Undo` per completed step (plain data, so the orchestration stays
deterministic) and, on a refusal or a cancel, runs them newest first. Each undo is a step
keyed on the run (`{run_id}:undo-…`): a recovered run replays it rather than sending it
twice, and every system API treats a repeat as a no-op (archiving the archived).

Only what this run created is undone: a customer that existed before the run gets its
previous attributes back rather than being archived, and a PSA project or ERP dimension
that already held the code is left alone. A PSA customer mirrored by the run stays: the
PSA API cannot deactivate customers, and without an active project nothing is booked to it.
"""

from __future__ import annotations

import logging
from typing import Any

from dbos import DBOS
from pydantic import BaseModel

from contracts.erp import CustomerStatus, CustomerUpsert
from contracts.psa import ProjectUpdate
from process_apis._runtime.engine import current_runtime
from process_apis._runtime.steps import idempotency_key
from process_apis.project_provisioning.errors import RetriesExhausted, StepError, calling
from process_apis.project_provisioning.steps import RETRIES

_log = logging.getLogger("atrium.flows.project_provisioning")
Json = dict[str, Any]


class Undo(BaseModel):
    """One compensation to run: which, and the data it needs."""

    action: str
    data: Json


@DBOS.step(name="archive_psa_project", **RETRIES)
async def archive_psa_project(project_id: str) -> Json:
    """Archive the PSA project the run created (its tasks and assignments go with it)."""
    async with calling("archive_psa_project", "psa"):
        project = await current_runtime().systems.psa.update_project(
            project_id,
            ProjectUpdate(status="archived"),
            idempotency_key=idempotency_key("undo-psa-project"),
        )
    return {"psa_project_id": project.id, "status": project.status}


@DBOS.step(name="archive_erp_project_dimension", **RETRIES)
async def archive_erp_project_dimension(legal_entity: str, project_code: str) -> Json:
    """Archive the project dimension value the run created in the ERP."""
    async with calling("archive_erp_project_dimension", "erp"):
        value = await current_runtime().systems.erp.archive_project_dimension(
            legal_entity, project_code, idempotency_key=idempotency_key("undo-erp-dimension")
        )
    return {"project_code": value.project_code, "status": value.status.value}


@DBOS.step(name="restore_erp_customer", **RETRIES)
async def restore_erp_customer(
    legal_entity: str, customer_number: str, name: str, previous: Json | None
) -> Json:
    """Archive the ERP customer the run created, or give a known one its attributes back."""
    if previous is None:
        body = CustomerUpsert(name=name, status=CustomerStatus.ARCHIVED)
    else:
        kept = ("name", "email", "tax_number", "currency", "status")
        body = CustomerUpsert.model_validate(
            {k: previous[k] for k in kept if previous.get(k) is not None}
        )
    async with calling("restore_erp_customer", "erp"):
        customer = await current_runtime().systems.erp.upsert_customer(
            legal_entity,
            customer_number,
            body,
            idempotency_key=idempotency_key("undo-erp-customer"),
        )
    return {"customer_number": customer.customer_number, "status": customer.status.value}


async def _undo(undo: Undo) -> Json:
    data = undo.data
    if undo.action == "psa-project":
        return await archive_psa_project(data["psa_project_id"])
    if undo.action == "erp-dimension":
        return await archive_erp_project_dimension(data["legal_entity"], data["project_code"])
    if undo.action == "erp-customer":
        return await restore_erp_customer(
            data["legal_entity"], data["customer_number"], data["name"], data["previous"]
        )
    raise ValueError(f"no compensation named {undo.action!r}")


async def compensate(done: list[Undo]) -> dict[str, str]:
    """Run the compensations newest first; returns those that failed, with why."""
    failures: dict[str, str] = {}
    for undo in reversed(done):
        try:
            await _undo(undo)
        except (StepError, RetriesExhausted) as exc:
            _log.error("compensation failed", extra={"action": undo.action, "error": str(exc)})
            failures[undo.action] = str(exc)
    return failures
