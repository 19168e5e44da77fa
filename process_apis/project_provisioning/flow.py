"""Project provisioning: a won deal becomes an ERP customer and project dimension, a PSA
project with its tasks and staffed roles, and a billing customer with its terms.

Orchestration only: every call is a step (`steps.py`), the run's state is what the steps
and the people answered, so a recovered run takes the same path. In order:

    tax code fits the entity?      no -> park (invalid-tax-code, finance)
    1 ERP customer                 read, then upsert
    cost centre active?            no -> park (missing-cost-centre, finance)
    2 ERP project dimension        read, then upsert
    named people in the PSA?       no -> park (worker-not-in-psa, PMO)
    3 PSA customer, project, tasks, assignments
    4 billing customer and payment terms
    5 project.provisioned

A refusal (a 4xx from a system API) compensates the completed steps newest first and
fails the run; a system that stays unavailable after the step's retries parks the run
for a person to retry or cancel. A cancel compensates too.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

from dbos import DBOS
from pydantic import ValidationError

from contracts.events import ProjectProvisioned
from process_apis._runtime.events import emit
from process_apis._runtime.exceptions import Resolution, Trouble
from process_apis._runtime.parking import park
from process_apis.project_provisioning import steps
from process_apis.project_provisioning.compensations import Undo, compensate
from process_apis.project_provisioning.errors import (
    ProvisioningCancelledError,
    ProvisioningFailedError,
    RetriesExhausted,
    StepRefusedError,
    last_error,
)
from process_apis.project_provisioning.v1.schemas import ProvisioningRequest

NAME = "project-provisioning"
SOURCE = f"/process/{NAME}/v1"
Json = dict[str, Any]


class _CancelRequestedError(Exception):
    """A person cancelled the parked run (raised and caught inside the orchestration)."""

    def __init__(self, resolution: Resolution) -> None:
        super().__init__(resolution.reason)
        self.resolution = resolution


def business_keys(deal: ProvisioningRequest) -> dict[str, str]:
    """What runs and exceptions of a deal are found by."""
    return {
        "deal_id": deal.deal_id,
        "project_code": deal.project.code,
        "customer_number": deal.customer.customer_number,
    }


def _trace_id(traceparent: str | None) -> str | None:
    parts = (traceparent or "").split("-")
    return parts[1] if len(parts) == 4 else None


class Provisioning:
    """One run's orchestration; its state comes only from step results and decisions."""

    def __init__(self, deal: ProvisioningRequest, meta: Json) -> None:
        self.deal = deal
        self.meta = meta
        self.done: list[Undo] = []
        self.note = ""

    async def run(self) -> Json:
        try:
            return await self._provision()
        except StepRefusedError as refused:
            failures = await compensate(self.done)
            raise ProvisioningFailedError(self._ending(str(refused), failures)) from None
        except _CancelRequestedError as cancelled:
            failures = await compensate(self.done)
            decision = cancelled.resolution
            reason = f"cancelled by {decision.actor}: {decision.reason or 'no reason given'}"
            raise ProvisioningCancelledError(self._ending(reason, failures)) from None

    def _ending(self, reason: str, failures: dict[str, str]) -> str:
        actions = [u.action for u in reversed(self.done) if u.action not in failures]
        ending = f"{reason} (compensated: {', '.join(actions) or 'nothing'})"
        left = "; ".join(f"{action}: {why}" for action, why in failures.items())
        return ending + (f"; NOT compensated: {left}" if left else "")

    async def _provision(self) -> Json:
        await self._settle_tax_code()
        customer = await self._erp_customer()
        await self._settle_cost_centre()
        dimension = await self._erp_dimension()
        psa = await self._psa()
        billing = await self._call(
            "upsert_billing_customer",
            "billing",
            lambda attempt: steps.upsert_billing_customer(
                self.deal.customer.customer_number, self._billing_fields(), attempt
            ),
        )
        event_id = await emit(
            ProjectProvisioned(
                project_code=self.deal.project.code,
                customer_number=self.deal.customer.customer_number,
                legal_entity=self.deal.legal_entity,
                currency=self.deal.currency,
                psa_project_id=psa["psa_project_id"],
                billing_customer_id=billing["billing_customer_id"],
            ),
            source=SOURCE,
            traceparent=self.meta.get("traceparent"),
        )
        return {
            **business_keys(self.deal),
            "legal_entity": self.deal.legal_entity,
            "cost_centre": self.deal.cost_centre,
            "tax_code": self.deal.tax_code,
            **customer,
            **dimension,
            **psa,
            **billing,
            "event_id": event_id,
        }

    # --- calling steps and asking people ------------------------------------------------

    async def _call(self, step: str, system: str, call: Callable[[int], Awaitable[Json]]) -> Json:
        """Run a step; when its system stays unavailable, park until a person decides."""
        attempt = 1
        while True:
            try:
                return await call(attempt)
            except RetriesExhausted as exhausted:
                errors = [str(e) for e in exhausted.errors]
                trouble = Trouble(
                    error_type="upstream-unavailable",
                    title=f"The {system} API stayed unavailable",
                    detail=str(last_error(exhausted)),
                    step=step,
                    system=system,
                    error_chain=errors[-5:],
                    attempts=max(1, len(errors)),
                )
            await self._ask(trouble, correctable=())
            attempt += 1

    async def _ask(self, trouble: Trouble, correctable: tuple[str, ...]) -> None:
        """Park for a person; apply corrected fields of a resume, raise on a cancel."""
        detail = f"{trouble.detail} {self.note}".strip()
        trouble = trouble.model_copy(
            update={"business_keys": business_keys(self.deal), "detail": detail}
        )
        decision = await park(trouble, flow=NAME, trace_id=_trace_id(self.meta.get("traceparent")))
        self.note = ""
        if decision.action == "cancel":
            raise _CancelRequestedError(decision)
        if decision.action == "resume":
            self._correct({k: v for k, v in decision.data.items() if k in correctable})

    def _correct(self, corrections: Json) -> None:
        if not corrections:
            return
        try:
            self.deal = ProvisioningRequest.model_validate(
                {**self.deal.model_dump(mode="json"), **corrections}
            )
        except ValidationError as invalid:
            fields = ", ".join(".".join(map(str, e["loc"])) for e in invalid.errors())
            self.note = f"(The last correction was refused: invalid {fields}.)"

    # --- checks a person may have to settle ---------------------------------------------

    async def _settle_tax_code(self) -> None:
        while True:
            deal = self.deal
            check = await steps.check_tax_code(
                deal.legal_entity, deal.tax_code, deal.tax_treatment.value
            )
            if check["refusal"] is None:
                return
            await self._ask(
                Trouble(
                    error_type="invalid-tax-code",
                    title="The deal's tax code cannot be used",
                    detail=check["refusal"],
                    step="check_tax_code",
                    system="erp",
                    data={"tax_code": deal.tax_code, "tax_treatment": deal.tax_treatment.value},
                ),
                correctable=("tax_code", "tax_treatment"),
            )

    async def _settle_cost_centre(self) -> None:
        while True:
            deal = self.deal
            check = await self._call(
                "check_cost_centre",
                "erp",
                lambda _: steps.check_cost_centre(self.deal.legal_entity, self.deal.cost_centre),
            )
            if check["refusal"] is None:
                return
            choices = ", ".join(check["active"][:40]) or "none"
            await self._ask(
                Trouble(
                    error_type="missing-cost-centre",
                    title="The project needs an active cost centre",
                    detail=f"{check['refusal']} Active cost centres: {choices}.",
                    step="check_cost_centre",
                    system="erp",
                    data={"cost_centre": deal.cost_centre, "legal_entity": deal.legal_entity},
                ),
                correctable=("cost_centre",),
            )

    async def _settle_resources(self) -> dict[str, str]:
        while True:
            if not self._people():
                return {}
            found = await self._call(
                "find_psa_resources", "psa", lambda _: steps.find_psa_resources(self._people())
            )
            if not found["missing"]:
                return dict(found["resource_ids"])
            await self._ask(
                Trouble(
                    error_type="worker-not-in-psa",
                    title="A person named on the deal is not in the PSA",
                    detail=f"Not PSA resources: {', '.join(found['missing'])}.",
                    step="find_psa_resources",
                    system="psa",
                    data={"roles": [r.model_dump(mode="json") for r in self.deal.roles]},
                ),
                correctable=("roles",),
            )

    def _people(self) -> list[str]:
        return [r.employee_number for r in self.deal.roles if r.employee_number]

    # --- the writes ---------------------------------------------------------------------

    async def _erp_customer(self) -> Json:
        deal, number = self.deal, self.deal.customer.customer_number
        before = await self._call(
            "read_erp_customer",
            "erp",
            lambda _: steps.read_erp_customer(deal.legal_entity, number),
        )
        fields = {
            "name": deal.customer.name,
            "email": deal.customer.email,
            "tax_number": deal.customer.tax_number,
            "currency": deal.currency,
        }
        written = await self._call(
            "upsert_erp_customer",
            "erp",
            lambda attempt: steps.upsert_erp_customer(
                deal.legal_entity,
                number,
                {k: v for k, v in fields.items() if v is not None},
                attempt,
            ),
        )
        self.done.append(
            Undo(
                action="erp-customer",
                data={
                    "legal_entity": deal.legal_entity,
                    "customer_number": number,
                    "name": deal.customer.name,
                    "previous": before["customer"],
                },
            )
        )
        return written

    async def _erp_dimension(self) -> Json:
        deal = self.deal
        before = await self._call(
            "read_erp_project_dimension",
            "erp",
            lambda _: steps.read_erp_project_dimension(deal.legal_entity, deal.project.code),
        )
        written = await self._call(
            "upsert_erp_project_dimension",
            "erp",
            lambda attempt: steps.upsert_erp_project_dimension(
                deal.legal_entity, deal.project.code, deal.project.name, attempt
            ),
        )
        if not before["exists"]:
            data = {"legal_entity": deal.legal_entity, "project_code": deal.project.code}
            self.done.append(Undo(action="erp-dimension", data=data))
        return written

    async def _psa(self) -> Json:
        resources = await self._settle_resources()
        deal, number = self.deal, self.deal.customer.customer_number
        customer = await self._call(
            "mirror_psa_customer",
            "psa",
            lambda attempt: steps.mirror_psa_customer(
                number, deal.customer.name, deal.currency, attempt
            ),
        )
        before = await self._call(
            "read_psa_project",
            "psa",
            lambda _: steps.read_psa_project(number, deal.project.code),
        )
        project = await self._call(
            "create_psa_project",
            "psa",
            lambda attempt: steps.create_psa_project(self._project_fields(), attempt),
        )
        project_id = str(project["psa_project_id"])
        if before["psa_project_id"] is None:
            self.done.append(Undo(action="psa-project", data={"psa_project_id": project_id}))
        for task in deal.tasks:
            task_json = task.model_dump(mode="json")
            enable = partial(steps.enable_psa_task, project_id, task_json)
            await self._call("enable_psa_task", "psa", enable)
        staffed = [r for r in deal.roles if r.employee_number]
        for role in staffed:
            resource, role_json = resources[str(role.employee_number)], role.model_dump(mode="json")
            assign = partial(steps.assign_psa_role, project_id, resource, role_json)
            await self._call("assign_psa_role", "psa", assign)
        return {
            **customer,
            "psa_project_id": project_id,
            "tasks": len(deal.tasks),
            "assignments": len(staffed),
        }

    def _project_fields(self) -> Json:
        deal = self.deal
        notes = [f"Deal {deal.deal_id}", f"contract {deal.contract_reference}"]
        notes.append(f"cost centre {deal.cost_centre}")
        if deal.budget.amount is not None:
            notes.append(f"budget {deal.budget.amount.amount} {deal.budget.amount.currency}")
        fields: Json = {
            "project_code": deal.project.code,
            "name": deal.project.name,
            "customer_number": deal.customer.customer_number,
            "billable": deal.project.billable,
            "starts_on": deal.project.starts_on.isoformat(),
            "notes": " · ".join(notes),
        }
        if deal.project.ends_on is not None:
            fields["ends_on"] = deal.project.ends_on.isoformat()
        if deal.budget.hours is not None:
            fields["budget_hours"] = str(deal.budget.hours)
        return fields

    def _billing_fields(self) -> Json:
        deal = self.deal
        fields: Json = {
            "name": deal.customer.name,
            "legal_entity": deal.legal_entity,
            "payment_terms_days": deal.billing_terms.payment_terms_days,
            "tax_treatment": deal.tax_treatment.value,
        }
        if deal.customer.email is not None:
            fields["email"] = deal.customer.email
        return fields


@DBOS.workflow(name=NAME)
async def provision_project(request: Json, meta: Json) -> Json:
    """The project-provisioning flow (see the module docstring)."""
    return await Provisioning(ProvisioningRequest.model_validate(request), meta).run()
