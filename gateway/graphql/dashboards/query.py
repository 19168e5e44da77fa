"""The dashboards' Query fields (merged into the schema's `Query`).

Each needs the scopes of every REST read it makes, and declares to the cost rule roughly how
many records it reads (`Costed(weight=…)`), so an operation cannot alias a dashboard into
thousands of upstream reads: the 25,000 budget holds a few dashboards, not dozens.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

import strawberry
from strawberry import relay

from gateway.graphql import scopes
from gateway.graphql.context import Info
from gateway.graphql.cost import Costed
from gateway.graphql.dashboards import financials, utilization
from gateway.graphql.dashboards.financials import READS, ProjectFinancials, today
from gateway.graphql.dashboards.health import IntegrationHealth
from gateway.graphql.dashboards.utilization import GroupBy, Utilization
from gateway.graphql.errors import InvalidInputError
from gateway.graphql.pagination import DEFAULT_FIRST, After, First, connection_from_list
from gateway.graphql.scopes import guarded

UTILIZATION_WEIGHT = 5_000  # a month's time entries (~3,000 on the demo firm) and the staff
PROJECT_WEIGHT = 500  # one project's time entries
PROJECTS_WEIGHT = 10_000  # every time entry
HEALTH_WEIGHT = 10_000  # every time entry, invoices, staff, runs, exceptions

UTILIZATION_READS = (
    scopes.hcm("listWorkers"),
    scopes.hcm("listOrgUnits"),
    scopes.hcm("getOrgUnitAvailability"),
    scopes.psa("listResources"),
    scopes.psa("listTimeEntries"),
)
AsOf = Annotated[
    date | None, strawberry.argument(description="The day the numbers are as of (default today).")
]
MAX_WINDOW_DAYS = 3_660
MAX_SLA_DAYS = 365


def _in_range(name: str, value: int, low: int, high: int) -> int:
    if not low <= value <= high:
        raise InvalidInputError("validation-failed", f"`{name}` must be from {low} to {high}.")
    return value


@strawberry.type
class DashboardQuery:
    """The Query fields of the dashboards."""

    @guarded(
        *UTILIZATION_READS,
        description="Billable and non-billable hours against capacity minus leave, per worker, "
        "org unit or legal entity, for a month 'YYYY-MM' or a quarter 'YYYY-Qn'.",
        extensions=[Costed(weight=UTILIZATION_WEIGHT)],
    )
    async def utilization(
        self, info: Info, period: str, group_by: GroupBy = GroupBy.WORKER
    ) -> Utilization | None:
        return await utilization.utilization(info, period, group_by)

    @guarded(
        *READS,
        description="One project's budget, billed and unbilled value, cost and margin.",
        extensions=[Costed(weight=PROJECT_WEIGHT)],
    )
    async def project_financials(
        self, info: Info, project_code: str, as_of: AsOf = None
    ) -> ProjectFinancials | None:
        return await financials.project_financials(info, project_code, as_of or today())

    @guarded(
        *READS,
        description="Financials of every project (of a legal entity; active or not), by code.",
        extensions=[Costed(weight=PROJECTS_WEIGHT)],
    )
    async def projects_financials(  # noqa: PLR0917
        self,
        info: Info,
        first: First = DEFAULT_FIRST,
        after: After = None,
        legal_entity: str | None = None,
        active: bool | None = None,
        as_of: AsOf = None,
    ) -> relay.Connection[ProjectFinancials] | None:
        found = await financials.projects_financials(
            info, legal_entity=legal_entity, active=active, as_of=as_of or today()
        )
        return connection_from_list(found, lambda f: f, first=first, after=after)

    @guarded(
        description="Time-to-bill, staffing activation, exceptions, sync completeness and SLA "
        "breaches over the `windowDays` before `asOf`.",
        extensions=[Costed(weight=HEALTH_WEIGHT)],
    )
    def integration_health(
        self,
        as_of: AsOf = None,
        window_days: Annotated[
            int, strawberry.argument(description="Days before asOf the rates cover.")
        ] = 365,
        sla_days: Annotated[
            int,
            strawberry.argument(
                description="Days before unbilled time or an unstaffable hire breaches."
            ),
        ] = 5,
    ) -> IntegrationHealth | None:
        end = as_of or today()
        days = _in_range("windowDays", window_days, 1, MAX_WINDOW_DAYS)
        return IntegrationHealth(
            since=end - timedelta(days=days),
            as_of=end,
            sla_days=_in_range("slaDays", sla_days, 0, MAX_SLA_DAYS),
        )
