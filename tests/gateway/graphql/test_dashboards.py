"""Dashboards on the demo firm, checked against what the vendor sandboxes hold.

Expected values are computed here from the sandboxes' stores (Harvest's time entries and
users, Stripe's invoices) and, for capacity and leave, from the HCM API's availability, by
the formulas the dashboards document, in Decimal; then compared with the GraphQL answer.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest

from tests.gateway.graphql.conftest import GraphQLClient

pytestmark = pytest.mark.asyncio(loop_scope="package")

AS_OF = date(2026, 10, 31)  # the demo firm's "today"
WORKER, MONTH = "E0027", "2026-10"  # logged October time and took a week of leave
PROJECT = "PRJ-0001"  # billed for August and September, October unbilled
CENT, RATIO = Decimal("0.01"), Decimal("0.0001")
ISSUED = {"open", "paid", "uncollectible"}

UTILIZATION = """query($period: String!, $by: GroupBy!) { utilization(period: $period,
    groupBy: $by) {
        period start end groupBy
        total { billableHours nonBillableHours capacityHours leaveHours availableHours }
        rows { key label people billableHours nonBillableHours capacityHours leaveHours
               availableHours utilization totalUtilization } } }"""

FINANCIALS = """query($code: String!, $asOf: Date!) { projectFinancials(projectCode: $code,
    asOf: $asOf) {
        projectCode currency legalEntityCurrency fxRate fxSource budgetHours actualHours
        budgetUsed billableHours billedHours invoices billed { amount currency }
        wip { amount currency } wipHours wipOldestDate wipAgeDays
        labourCost { amount currency } margin { amount currency } marginRatio
        billedInEntityCurrency { amount currency } } }"""

HEALTH = """query($asOf: Date!) { integrationHealth(asOf: $asOf) {
    since asOf slaDays
    kpis { timeToBillHours staffingActivationHours exceptionRate openExceptions
           syncCompleteness }
    slaBreaches { kind count hours keys } } }"""


def dec(value: Any) -> Decimal:
    return Decimal(str(value))


def cents(value: Decimal) -> str:
    return str(value.quantize(CENT, ROUND_HALF_UP))


def ratio(part: Decimal, whole: Decimal) -> str:
    return str((part / whole).quantize(RATIO, ROUND_HALF_UP))


def when(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def harvest(gql: GraphQLClient) -> Any:
    return gql.gateway.sandboxes["psa"].store


def harvest_user(gql: GraphQLClient, employee_number: str) -> dict[str, Any]:
    (user,) = [u for u in harvest(gql).all("users") if f"emp:{employee_number}" in u["roles"]]
    return user  # type: ignore[no-any-return]


async def hcm_worker(gql: GraphQLClient, employee_number: str) -> dict[str, Any]:
    path = f"/workers/by-employee-number/{employee_number}"
    found: dict[str, Any] = await gql.gateway.read("system/hcm/v1", path)
    return found


async def test_a_workers_utilization_is_the_psas_hours_over_the_hcms_available_hours(
    gql: GraphQLClient,
) -> None:
    user = harvest_user(gql, WORKER)
    entries = [
        e
        for e in harvest(gql).find("time_entries", user_id=user["id"])
        if e["spent_date"].startswith(MONTH)
    ]
    billable = sum((dec(e["hours"]) for e in entries if e["billable"]), Decimal(0))
    other = sum((dec(e["hours"]) for e in entries if not e["billable"]), Decimal(0))
    worker = await hcm_worker(gql, WORKER)
    availability = await gql.gateway.read(
        "system/hcm/v1",
        f"/workers/{worker['id']}/availability",
        start="2026-10-01",
        end="2026-10-31",
    )
    capacity, leave = dec(availability["capacity_hours"]), dec(availability["leave_hours"])
    assert leave > 0, "E0027 took leave in October"
    assert billable > 0, "E0027 billed time in October"

    data = await gql.data("firm", UTILIZATION, {"period": MONTH, "by": "WORKER"})

    utilization = data["utilization"]
    assert (utilization["start"], utilization["end"]) == ("2026-10-01", "2026-10-31")
    (row,) = [r for r in utilization["rows"] if r["key"] == WORKER]
    assert row["label"] == worker["display_name"]
    assert row["billableHours"] == cents(billable)
    assert row["nonBillableHours"] == cents(other)
    assert (row["capacityHours"], row["leaveHours"]) == (cents(capacity), cents(leave))
    assert row["availableHours"] == cents(capacity - leave)
    assert row["utilization"] == ratio(billable, capacity - leave)
    assert row["totalUtilization"] == ratio(billable + other, capacity - leave)


async def test_groups_add_up_to_the_total_and_a_quarter_spans_three_months(
    gql: GraphQLClient,
) -> None:
    units = await gql.data("firm", UTILIZATION, {"period": MONTH, "by": "ORG_UNIT"})
    entities = await gql.data("firm", UTILIZATION, {"period": "2026-Q3", "by": "LEGAL_ENTITY"})

    total = units["utilization"]["total"]
    for field in ("billableHours", "capacityHours", "leaveHours"):
        summed = sum(dec(r[field]) for r in units["utilization"]["rows"])
        assert summed == dec(total[field]), field
    assert dec(total["billableHours"]) > 0
    assert dec(total["capacityHours"]) > 0
    quarter = entities["utilization"]
    assert (quarter["start"], quarter["end"]) == ("2026-07-01", "2026-09-30")
    assert {r["key"] for r in quarter["rows"]} == {"GB01", "NL01", "US01"}
    september = [
        e for e in harvest(gql).all("time_entries") if e["spent_date"].startswith("2026-09")
    ]
    assert dec(quarter["total"]["billableHours"]) >= sum(
        (dec(e["hours"]) for e in september if e["billable"]), Decimal(0)
    )


async def test_a_malformed_period_is_refused(gql: GraphQLClient) -> None:
    result = await gql.run("firm", UTILIZATION, {"period": "2026-13", "by": "WORKER"})

    assert result["data"] == {"utilization": None}
    assert result["errors"][0]["extensions"]["code"] == "validation-failed"


def _project_books(gql: GraphQLClient, code: str) -> dict[str, Any]:
    """PRJ-…'s numbers straight from Harvest's and Stripe's stores."""
    (project,) = harvest(gql).find("projects", code=code)
    entries = [
        e
        for e in harvest(gql).find("time_entries", project_id=project["id"])
        if e["spent_date"] <= AS_OF.isoformat()
    ]
    wip = [e for e in entries if e["billable"] and e["is_closed"] and not e["is_billed"]]
    invoices = [
        i
        for i in gql.gateway.sandboxes["billing"].store.all("invoices")
        if i["metadata"].get("project_code") == code and i["status"] in ISSUED
    ]
    return {
        "hours": sum((dec(e["hours"]) for e in entries), Decimal(0)),
        "billed": sum(
            (
                Decimal(item["amount"]) / 100
                for i in invoices
                for item in gql.books.invoice_items(i["id"])
            ),
            Decimal(0),
        ),
        "invoices": len(invoices),
        "wip_hours": sum((dec(e["hours"]) for e in wip), Decimal(0)),
        "wip": sum((dec(e["hours"]) * dec(e["billable_rate"]) for e in wip), Decimal(0)),
        "wip_oldest": min(e["spent_date"] for e in wip),
        "cost": sum((dec(e["hours"]) * dec(e["cost_rate"]) for e in entries), Decimal(0)),
        "budget": dec(project["budget"]),
    }


async def test_project_financials_match_the_psa_and_billing_books(gql: GraphQLClient) -> None:
    books = _project_books(gql, PROJECT)

    data = await gql.data("firm", FINANCIALS, {"code": PROJECT, "asOf": AS_OF.isoformat()})

    found = data["projectFinancials"]
    assert (found["currency"], found["legalEntityCurrency"], found["fxRate"]) == ("USD", "USD", "1")
    assert "fx_rates.yaml" in found["fxSource"]
    assert found["actualHours"] == cents(books["hours"])
    assert found["budgetUsed"] == ratio(books["hours"], books["budget"])
    assert found["invoices"] == books["invoices"] > 0
    assert found["billed"] == {"amount": cents(books["billed"]), "currency": "USD"}
    assert found["billedInEntityCurrency"] == found["billed"]
    assert found["wipHours"] == cents(books["wip_hours"])
    assert found["wip"] == {"amount": cents(books["wip"]), "currency": "USD"}
    assert found["wipOldestDate"] == books["wip_oldest"]
    assert found["wipAgeDays"] == (AS_OF - date.fromisoformat(books["wip_oldest"])).days
    assert found["labourCost"] == {"amount": cents(books["cost"]), "currency": "USD"}
    margin = books["billed"] + books["wip"] - books["cost"]
    assert found["margin"] == {"amount": cents(margin), "currency": "USD"}
    assert found["marginRatio"] == ratio(margin, books["billed"] + books["wip"])


async def test_financials_of_many_projects_page_by_code_and_each_is_a_node(
    gql: GraphQLClient,
) -> None:
    listed = await gql.data(
        "firm",
        """{ projectsFinancials(first: 3, legalEntity: "US01", asOf: "2026-10-31") {
            pageInfo { hasNextPage } edges { node { id projectCode actualHours } } } }""",
    )
    nodes = [e["node"] for e in listed["projectsFinancials"]["edges"]]
    found = await gql.data(
        "firm",
        "query($id: ID!) { node(id: $id) { ... on ProjectFinancials { projectCode } } }",
        {"id": nodes[0]["id"]},
    )

    codes = [n["projectCode"] for n in nodes]
    assert codes == ["PRJ-0001", "PRJ-0002", "PRJ-0003"]
    assert listed["projectsFinancials"]["pageInfo"]["hasNextPage"] is True
    assert nodes[0]["actualHours"] == cents(_project_books(gql, PROJECT)["hours"])
    assert found["node"] == {"projectCode": "PRJ-0001"}


async def test_cost_and_margin_need_their_scopes(gql: GraphQLClient) -> None:
    variables = {"code": PROJECT, "asOf": AS_OF.isoformat()}
    plain = await gql.run("firm-plain", FINANCIALS, variables)
    no_margins = await gql.run("no-margins", FINANCIALS, variables)

    assert plain["data"]["projectFinancials"]["labourCost"] is None
    assert plain["data"]["projectFinancials"]["margin"] is None
    assert no_margins["data"]["projectFinancials"]["labourCost"] is not None
    assert no_margins["data"]["projectFinancials"]["margin"] is None
    refused = {tuple(e["path"]): e["extensions"]["code"] for e in no_margins["errors"]}
    assert refused == {
        ("projectFinancials", "margin"): "insufficient-scope",
        ("projectFinancials", "marginRatio"): "insufficient-scope",
    }
    assert no_margins["data"]["projectFinancials"]["wip"] is not None


def _time_to_bill(gql: GraphQLClient, since: date) -> Decimal:
    """Hours-weighted hours from an entry's last change to its invoice's finalization."""
    code_of = {p["id"]: p["code"] for p in harvest(gql).all("projects")}
    billed: defaultdict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    for e in harvest(gql).all("time_entries"):
        if e["is_billed"] and e["billable"]:
            billed[(code_of[e["project_id"]], e["spent_date"][:7])].append(e)
    weighted, hours = Decimal(0), Decimal(0)
    for invoice in gql.gateway.sandboxes["billing"].store.all("invoices"):
        finalized = invoice["finalized_at"]
        if invoice["status"] not in ISSUED or finalized is None:
            continue
        issued = datetime.fromtimestamp(finalized, UTC)
        if not since <= issued.date() <= AS_OF:
            continue
        meta = invoice["metadata"]
        for e in billed[(meta.get("project_code"), meta.get("billing_period"))]:
            changed = when(e["updated_at"])
            if changed <= issued:
                weighted += dec(e["hours"]) * Decimal(int((issued - changed).total_seconds()))
                hours += dec(e["hours"])
    return (weighted / hours / 3600).quantize(CENT, ROUND_HALF_UP)


def _late_unbilled(gql: GraphQLClient, since: date, sla_days: int) -> list[dict[str, Any]]:
    start = (since.replace(day=1) - timedelta(days=1)).replace(day=1).isoformat()
    late = []
    for e in harvest(gql).all("time_entries"):
        if not (e["billable"] and e["is_closed"]) or e["is_billed"]:
            continue
        if not start <= e["spent_date"] <= AS_OF.isoformat():
            continue
        spent = date.fromisoformat(e["spent_date"])
        month_end = spent.replace(day=calendar.monthrange(spent.year, spent.month)[1])
        due = max(when(e["updated_at"]).date(), month_end) + timedelta(days=sla_days)
        if due < AS_OF:
            late.append(e)
    return late


async def test_integration_health_on_the_demo_firm(gql: GraphQLClient) -> None:
    workers = await gql.gateway.items("firm", "system/hcm/v1", "/workers")
    resources = await gql.gateway.items("firm", "system/psa/v1", "/resources")
    assert workers is not None
    assert resources is not None
    staffable = {r["employee_number"]: r for r in resources if r["is_assignable"]}
    active = [w for w in workers if w["employment"]["status"] == "active"]
    since = AS_OF - timedelta(days=365)
    hires = [
        (w, staffable[w["employee_number"]])
        for w in active
        if since.isoformat() <= w["employment"]["hire_date"] <= AS_OF.isoformat()
        and w["employee_number"] in staffable
    ]
    latency = sum(
        (
            Decimal(
                int(
                    (
                        when(r["provenance"]["modified_at"])
                        - datetime.fromisoformat(w["employment"]["hire_date"] + "T00:00:00+00:00")
                    ).total_seconds()
                )
            )
            / 3600
            for w, r in hires
        ),
        Decimal(0),
    ) / len(hires)
    late = _late_unbilled(gql, since, 5)

    data = await gql.data("firm", HEALTH, {"asOf": AS_OF.isoformat()})

    health = data["integrationHealth"]
    assert (health["since"], health["asOf"], health["slaDays"]) == (
        since.isoformat(),
        AS_OF.isoformat(),
        5,
    )
    kpis = health["kpis"]
    assert kpis["timeToBillHours"] == str(_time_to_bill(gql, since))
    assert dec(kpis["timeToBillHours"]) > 0
    assert kpis["staffingActivationHours"] == cents(latency)
    assert dec(kpis["staffingActivationHours"]) > 0
    in_psa = sum(1 for w in active if w["employee_number"] in staffable)
    assert kpis["syncCompleteness"] == ratio(Decimal(in_psa), Decimal(len(active)))
    assert Decimal(0) < dec(kpis["syncCompleteness"]) < Decimal(1)
    breaches = {b["kind"]: b for b in health["slaBreaches"]}
    unbilled = breaches["time-approved-not-invoiced"]
    assert unbilled["count"] == len(late) > 0
    assert unbilled["hours"] == cents(sum((dec(e["hours"]) for e in late), Decimal(0)))
    # The demo firm's hire without a PSA user (sandboxes/demo_firm/inconsistencies.py).
    assert "E0020" in breaches["active-not-assignable"]["keys"]
    assert breaches["active-not-assignable"]["count"] >= 1
