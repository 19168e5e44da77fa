"""Checks a deal must pass before a run starts: answered at once, nothing is written.

Refused with 422 `validation-failed` and one JSON pointer per fault: dates out of order,
no budget, a budget or a customer in another currency than the legal entity's, an unknown
legal entity, a project code held by another project or claimed by another deal. What a
person can settle while the run waits (cost centre, tax code, people not yet in the PSA)
is not refused here: the run parks for it.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TypeVar

import httpx

from contracts.erp import LegalEntity
from contracts.problems import ProblemError, ProblemFieldError
from process_apis._runtime.engine import current_runtime
from process_apis._runtime.runs import RunFilter, RunStatus, list_runs
from process_apis._runtime.systems import SystemClients
from process_apis.project_provisioning.flow import NAME
from process_apis.project_provisioning.steps import every
from process_apis.project_provisioning.v1.schemas import ProvisioningRequest
from system_apis.erp.v1.client import ErpApiError

T = TypeVar("T")
_ENDED = (RunStatus.FAILED, RunStatus.CANCELLED)


def _error(pointer: str, detail: str) -> ProblemFieldError:
    return ProblemFieldError(pointer="#" + pointer, detail=detail)


def _unavailable(system: str) -> ProblemError:
    return ProblemError(
        "service-unavailable", f"The {system} could not be asked to check the deal; retry later."
    )


async def _found(read: Awaitable[T]) -> T | None:
    """The ERP record, None when it does not exist; 503 when the ERP cannot answer."""
    try:
        return await read
    except ErpApiError as exc:
        if exc.problem.status == 404:
            return None
        raise _unavailable("ERP") from exc


def shape_errors(deal: ProvisioningRequest) -> list[ProblemFieldError]:
    """Faults visible in the deal itself."""
    errors: list[ProblemFieldError] = []
    project = deal.project
    if project.ends_on is not None and project.ends_on < project.starts_on:
        errors.append(_error("/project/ends_on", "is before starts_on"))
    budget = deal.budget
    if budget.hours is None and budget.amount is None:
        errors.append(_error("/budget", "needs hours, an amount, or both"))
    if budget.amount is not None and budget.amount.currency != deal.currency:
        errors.append(_error("/budget/amount/currency", f"must be the deal's {deal.currency}"))
    seen: set[str] = set()
    for index, task in enumerate(deal.tasks):
        if task.name.casefold() in seen:
            errors.append(_error(f"/tasks/{index}/name", "is named twice"))
        seen.add(task.name.casefold())
    people = [r.employee_number for r in deal.roles]
    for index, number in enumerate(people):
        if number is not None and people.index(number) != index:
            errors.append(_error(f"/roles/{index}/employee_number", "is staffed twice"))
    return errors


async def erp_errors(deal: ProvisioningRequest, systems: SystemClients) -> list[ProblemFieldError]:
    """Faults against the ERP: entity, currency, the customer's currency, the dimension."""
    erp = systems.erp
    entity: LegalEntity | None = await _found(erp.get_legal_entity(deal.legal_entity))
    if entity is None:
        return [_error("/legal_entity", "is not a legal entity of the ERP")]
    errors: list[ProblemFieldError] = []
    if deal.currency != entity.base_currency:
        invoiced_in = f"{deal.legal_entity} invoices in {entity.base_currency}"
        errors.append(_error("/currency", invoiced_in))
    number = deal.customer.customer_number
    customer = await _found(erp.get_customer(deal.legal_entity, number))
    if customer is not None and customer.currency not in (None, deal.currency):
        errors.append(
            _error("/customer/customer_number", f"is invoiced in {customer.currency} in the ERP")
        )
    dimension = await _found(erp.get_project_dimension(deal.legal_entity, deal.project.code))
    if dimension is not None and dimension.name != deal.project.name:
        errors.append(
            _error("/project/code", f"is the ERP dimension of another project ({dimension.name})")
        )
    return errors


async def ownership_errors(
    deal: ProvisioningRequest, systems: SystemClients
) -> list[ProblemFieldError]:
    """The project code must be free or this deal's: in the PSA and among earlier runs."""
    code, number = deal.project.code, deal.customer.customer_number
    psa = systems.psa
    try:
        projects = await every(lambda cursor: psa.list_projects(cursor=cursor, limit=200))
    except httpx.HTTPError as exc:
        raise _unavailable("PSA") from exc
    holder = next((p for p in projects if p.project_code == code), None)
    if holder is not None and (holder.customer_number, holder.name) != (number, deal.project.name):
        return [_error("/project/code", f"is held by PSA project {holder.name!r}")]
    search = RunFilter(flow=NAME, keys={"project_code": code})
    runs = await list_runs(current_runtime().store, search, limit=50)
    for run in runs.items:
        other = run.business_keys.get("deal_id")
        if other != deal.deal_id and run.status not in _ENDED:
            return [_error("/project/code", f"is being provisioned for deal {other}")]
    return []


async def validate_deal(deal: ProvisioningRequest, systems: SystemClients) -> None:
    """Refuse (422) a deal that cannot be provisioned as it is; nothing is written."""
    errors = shape_errors(deal)
    errors += await erp_errors(deal, systems)
    if not errors:
        errors += await ownership_errors(deal, systems)
    if errors:
        raise ProblemError(
            "validation-failed", "The deal cannot be provisioned as it is.", errors=errors
        )
