"""The won deal a project-provisioning run starts from (request body of POST /runs).

Money is decimal text, never a float. The cost centre may be absent: finance assigns it
while the run waits (the run parks), so its absence is not a reason to refuse the deal.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field, Strict

from contracts.billing import TaxTreatment
from contracts.common import Money
from contracts.wire import WRITE_CONFIG, WireDate, WireDecimal

Code = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")]
Rate = Annotated[WireDecimal, Field(ge=0, max_digits=12, decimal_places=2)]


class _Body(BaseModel):
    model_config = WRITE_CONFIG


class DealCustomer(_Body):
    """The customer who signed; the ERP creates or updates it by its number."""

    customer_number: str = Field(
        pattern=r"^[A-Z][A-Z0-9-]{1,15}$",
        description="The firm's customer number, shared by ERP, PSA and billing.",
        examples=["C0101"],
    )
    name: str = Field(min_length=1, max_length=200)
    email: str | None = Field(default=None, max_length=255, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    tax_number: str | None = Field(default=None, max_length=50)


class BillingTerms(_Body):
    """How the customer is invoiced."""

    payment_terms_days: int = Field(ge=0, le=365, description="Net days, e.g. 30.")


class Budget(_Body):
    """The sold budget: hours, money, or both."""

    hours: WireDecimal | None = Field(default=None, gt=0, max_digits=12, decimal_places=2)
    amount: Money | None = None


class ProjectPlan(_Body):
    """The project the deal opens."""

    code: Code = Field(examples=["PRJ-0901"])
    name: str = Field(min_length=1, max_length=80)
    starts_on: WireDate
    ends_on: WireDate | None = None
    billable: bool = True


class TaskPlan(_Body):
    """A kind of work on the project, with its hourly rate there (the deal's currency)."""

    name: str = Field(min_length=1, max_length=200)
    billable: bool = True
    rate: Rate | None = None


class RolePlan(_Body):
    """A role sold on the deal; staffed when it names a person."""

    role: str = Field(min_length=1, max_length=100, examples=["solution-architect"])
    employee_number: str | None = Field(default=None, pattern=r"^[A-Za-z0-9-]{1,20}$")
    rate: Rate | None = None
    project_manager: bool = False


class ProvisioningRequest(_Body):
    """A won deal to provision in ERP, PSA and billing."""

    deal_id: Code = Field(examples=["D-2026-0042"])
    customer: DealCustomer
    contract_reference: str = Field(min_length=1, max_length=100)
    legal_entity: Code = Field(examples=["GB01"])
    currency: str = Field(pattern=r"^[A-Z]{3}$", examples=["GBP"])
    tax_treatment: Annotated[TaxTreatment, Strict(False)]
    tax_code: str = Field(
        pattern=r"^[A-Z0-9]{1,30}$",
        description="The ERP tax code for sales to this customer (policies/tax_codes.yaml).",
        examples=["OUTPUT2"],
    )
    billing_terms: BillingTerms
    budget: Budget
    cost_centre: Code | None = Field(
        default=None, description="ERP cost centre; when absent the run waits for finance."
    )
    project: ProjectPlan
    tasks: list[TaskPlan] = Field(min_length=1, max_length=30)
    roles: list[RolePlan] = Field(default_factory=list, max_length=30)
