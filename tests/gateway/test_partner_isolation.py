"""Partner isolation on every operation of every mounted system API (issue 4, item 5).

Two clients holding every scope are bound to two customers of the demo firm present in the
PSA, the ERP and billing: A (C0032) and B (C0031), both of legal entity NL01. The tests walk
the operations each mounted system API version really serves and check each as its entry in
ROUTES says; an operation ROUTES does not name fails the first test, so a new route cannot
slip past. B's objects (and the firm's) are found by listing as a firm-wide client.

- Foreign: the route names another's object (path or body). A gets 404 not-found, reads and
  writes alike, the object's owner reads it (the control), a write changes nothing.
- Listed: a list of partner-owned records. A sees its own only; B's never, even filtered.
- Hidden: records no partner owns (staff, leave, the ledger). A gets 404 or nothing.
- Reference: the firm's reference data. A sees at most the firm's, nothing naming B's.
(tests/fixtures/isolation.py holds the rules and their checks.)
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from tests.fixtures.isolation import (
    Foreign,
    Hidden,
    Listed,
    Reference,
    Rule,
    Scene,
    Targets,
    check_foreign,
    check_hidden,
    check_listed,
    check_reference,
)
from tests.fixtures.partners import (
    PartnerGateway,
    SystemRoute,
    mounted_system_routes,
    partner_gateway,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")

A, B = "C0032", "C0031"
HCM, PSA, ERP, BILLING = "system/hcm/v1", "system/psa/v1", "system/erp/v1", "system/billing/v1"
# A legal entity is not an object of a partner: ERP records of A and B both live under NL01.
BASE = {"legal_entity": "NL01"}
OCTOBER = {"start": "2026-10-01", "end": "2026-10-31"}  # the demo firm's current month
JOURNAL_LINES = [
    {"account_code": "477", "side": "debit", "amount": "10.00"},
    {"account_code": "478", "side": "credit", "amount": "10.00"},
]
# Request-body values by field name; the object under test's own values come first, so a
# body names that object (its customer number, its project...).
SAMPLE: dict[str, Any] = {
    "first_name": "Isolation",
    "last_name": "Probe",
    "hire_date": "2026-11-02",
    "project_code": "PRJ-9901",
    "name": "Written by partner A",
    "issue_date": "2026-10-20",
    "due_date": "2026-11-19",
    "date": "2026-10-20",
    "narration": "Posted by partner A",
    "description": "Charged by partner A",
    "amount": {"amount": "10.00", "currency": "EUR"},
}
ERP_INVOICE_LINES = [{"description": "Work", "quantity": "1", "unit_price": "10"}]
OWN_PROJECT = "/projects/{project_id}"

# The rule of every operation of every mounted system API, by API and operationId. A
# Foreign rule's target names the object tried (found by the `*_targets` functions below).
ROUTES: dict[str, dict[str, Rule]] = {
    HCM: {  # no HCM record belongs to a partner: staff, their pay and their leave
        "listWorkers": Hidden(),
        "createWorker": Foreign(
            "hcm.new-worker", "firm", "/workers/by-employee-number/{employee_number}"
        ),
        "getWorker": Foreign("hcm.worker", "firm"),
        "getWorkerByEmployeeNumber": Foreign("hcm.worker", "firm"),
        "updateWorker": Foreign(
            "hcm.worker", "firm", "/workers/{worker_id}", {"job_title": "Set by partner A"}
        ),
        "getWorkerAvailability": Foreign("hcm.worker", "firm", params=OCTOBER),
        "getOrgUnitAvailability": Foreign("hcm.org-unit", "firm", params=OCTOBER),
        "listLeaveRequests": Hidden(OCTOBER),
        "listAvailability": Hidden(OCTOBER),
        "listOrgUnits": Reference("the firm's departments and divisions"),
        "listCostCentres": Reference("the firm's cost centres"),
    },
    PSA: {
        "listCustomers": Listed("psa.customer", {}),
        "getCustomer": Foreign("psa.customer"),
        "createCustomer": Foreign(  # B's number in its body
            "psa.customer", reread="/customers/{customer_id}", sample={"currency": "EUR"}
        ),
        "listProjects": Listed("psa.customer", {"customer_number": "{customer_number}"}),
        "createProject": Foreign(  # B as the customer in its body
            "psa.customer", reread="/projects?customer_number={customer_number}"
        ),
        "getProject": Foreign("psa.project"),
        "updateProject": Foreign("psa.project", reread=OWN_PROJECT, change={"name": "Renamed"}),
        "listProjectTasks": Foreign("psa.project"),
        "addProjectTask": Foreign("psa.free-task", reread=OWN_PROJECT + "/tasks?limit=200"),
        "createAssignment": Foreign(
            "psa.free-resource", reread="/assignments?project_id={project_id}&limit=200"
        ),
        "listAssignments": Listed("psa.assignment", {"project_id": "{project_id}"}),
        "getAssignment": Foreign("psa.assignment", own=("project_id",)),
        "updateAssignment": Foreign(
            "psa.assignment",
            reread=OWN_PROJECT + "/assignments/{assignment_id}",
            change={"project_manager": True},
            own=("project_id",),
        ),
        "endAssignment": Foreign(
            "psa.assignment",
            reread=OWN_PROJECT + "/assignments/{assignment_id}",
            own=("project_id",),
        ),
        "listTimeEntries": Listed("psa.pending-entry", {"project_id": "{project_id}"}),
        "getTimeEntry": Foreign("psa.pending-entry"),
        "approveTimeEntry": Foreign("psa.pending-entry", reread="/time-entries/{entry_id}"),
        "approveTime": Foreign(  # B's project and the day of B's pending entry in its body
            "psa.pending-entry", reread="/time-entries/{entry_id}"
        ),
        # Staff and their rates belong to no partner.
        "listResources": Hidden(),
        "getResource": Foreign("psa.resource", "firm"),
        "updateResource": Foreign(
            "psa.resource", "firm", "/resources/{resource_id}", {"is_assignable": False}
        ),
        "createResource": Foreign(  # the firm's 199 resources fit one page: a new one would show
            "psa.new-resource",
            "firm",
            "/resources?limit=200",
            sample={"email": "isolation.probe@example.com"},
        ),
        "setResourceApprover": Foreign(
            "psa.resource",
            "firm",
            "/resources/{resource_id}",
            {"approver_id": None},
            sample={"approver_id": None},
        ),
        "markTimeBilled": Foreign("psa.entry-to-bill", reread="/time-entries/{entry_id}"),
        "listTasks": Reference("the firm's task catalogue"),
        # Not called: it adds to the catalogue every partner reads and names no one's object.
        "createTask": Reference("the firm's task catalogue"),
    },
    ERP: {
        "listLegalEntities": Reference("the firm's companies"),
        "getLegalEntity": Reference("the firm's companies"),
        "listAccountingPeriods": Reference("the firm's books' calendar"),
        "listTrackingCategories": Reference("the firm's dimensions, without project values"),
        "listCostCentres": Reference("the firm's cost centres"),
        "listCustomers": Listed("erp.customer", {}),
        "getCustomer": Foreign("erp.customer"),
        "upsertCustomer": Foreign(
            "erp.customer", reread="/legal-entities/{legal_entity}/customers/{customer_number}"
        ),
        # Project dimension values name every customer's projects: the firm's alone.
        "listProjectDimensions": Hidden(),
        "getProjectDimension": Foreign("erp.project-dimension", "firm"),
        "upsertProjectDimension": Foreign(
            "erp.project-dimension",
            "firm",
            "/legal-entities/{legal_entity}/project-dimensions/{project_code}",
            {"name": "Renamed by partner A"},
        ),
        "archiveProjectDimension": Foreign(
            "erp.project-dimension",
            "firm",
            "/legal-entities/{legal_entity}/project-dimensions/{project_code}",
        ),
        "listInvoices": Listed("erp.customer", {"customer_number": "{customer_number}"}),
        "createInvoice": Foreign(  # B as the customer in its body
            "erp.customer",
            reread="/legal-entities/{legal_entity}/invoices?customer_number={customer_number}",
            sample={"lines": ERP_INVOICE_LINES},
        ),
        "getInvoice": Foreign("erp.open-invoice"),
        "authoriseInvoice": Foreign(
            "erp.draft-invoice", reread="/legal-entities/{legal_entity}/invoices/{invoice_id}"
        ),
        "voidInvoice": Foreign(
            "erp.open-invoice", reread="/legal-entities/{legal_entity}/invoices/{invoice_id}"
        ),
        # The general ledger is the firm's: its journals carry every customer's projects.
        "listJournalEntries": Hidden(),
        "getJournalEntry": Foreign("erp.journal", "firm"),
        "postJournalEntry": Foreign(
            "erp.journal",
            "firm",
            "/legal-entities/{legal_entity}/journal-entries?limit=200",
            sample={"lines": JOURNAL_LINES},
        ),
    },
    BILLING: {
        "listCustomers": Listed("billing.customer", {}),
        "getCustomer": Foreign("billing.customer"),
        "upsertCustomer": Foreign("billing.customer", reread="/customers/{customer_number}"),
        "listInvoiceItems": Listed(
            "billing.draft-invoice",
            {"customer_number": "{customer_number}", "invoice_id": "{invoice_id}"},
        ),
        "createInvoiceItem": Foreign(
            "billing.draft-invoice",
            reread="/invoices/{invoice_id}",  # its lines and amounts
            own=("customer_number",),  # also charged to A, onto B's draft
        ),
        "listInvoices": Listed("billing.customer", {"customer_number": "{customer_number}"}),
        "createInvoice": Foreign(  # B as the customer in its body
            "billing.customer", reread="/invoices?customer_number={customer_number}&limit=200"
        ),
        "getInvoice": Foreign("billing.open-invoice"),
        "getInvoiceStatus": Foreign("billing.open-invoice"),
        "finalizeInvoice": Foreign("billing.draft-invoice", reread="/invoices/{invoice_id}"),
        "voidInvoice": Foreign("billing.open-invoice", reread="/invoices/{invoice_id}"),
    },
}


def rule_of(route: SystemRoute) -> Rule | None:
    return ROUTES.get(route.api, {}).get(route.operation_id)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def gw(
    tmp_path_factory: pytest.TempPathFactory,
    _sandbox_templates: tuple[dict[str, Path], Path],
) -> AsyncIterator[PartnerGateway]:
    root = tmp_path_factory.mktemp("partner-isolation")
    async with partner_gateway(root, _sandbox_templates, (A, B)) as gateway:
        yield gateway


async def invoice_of(gw: PartnerGateway, api: str, number: str, status: str) -> dict[str, Any]:
    """An invoice of the customer `number` in `status`, as the firm lists it."""
    path = "/legal-entities/{legal_entity}/invoices".format(**BASE) if api == ERP else "/invoices"
    found = await gw.find(
        api, path, lambda i: i["customer_number"] == number, status=status, customer_number=number
    )
    return {"invoice_id": found["id"]}


async def project_of(gw: PartnerGateway, number: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """An active project of the customer `number` and an active assignment on it."""
    project = await gw.find(
        PSA, "/projects", lambda p: p["status"] == "active", customer_number=number
    )
    assignment = await gw.find(PSA, "/assignments", lambda a: a["active"], project_id=project["id"])
    return project, {"project_id": project["id"], "assignment_id": assignment["id"]}


async def own_targets(gw: PartnerGateway, number: str) -> dict[str, dict[str, Any]]:
    """A's objects that routes are also tried with (A's parent around B's child)."""
    _, assignment = await project_of(gw, number)
    draft = await invoice_of(gw, BILLING, number, "draft")
    return {
        "psa.assignment": assignment,
        "billing.draft-invoice": draft | {"customer_number": number},
    }


async def foreign_targets(gw: PartnerGateway, number: str) -> dict[str, dict[str, Any]]:
    """One object of each kind belonging to the customer `number`, found as the firm."""
    mine = {"customer_number": number}
    customer = await gw.find(PSA, "/customers", lambda c: c["customer_number"] == number)
    project, assignment = await project_of(gw, number)
    on_project = {"project_id": project["id"]}
    staffing = await gw.items("firm", PSA, "/assignments", **on_project) or []
    staffed = {a["resource_id"] for a in staffing}
    tasks = await gw.items("firm", PSA, f"/projects/{project['id']}/tasks") or []
    task = await gw.find(PSA, "/tasks", lambda t: t["id"] not in {t["task_id"] for t in tasks})
    resource = await gw.find(
        PSA, "/resources", lambda r: r["is_assignable"] and r["id"] not in staffed
    )
    entry = await gw.find(
        PSA,
        "/time-entries",
        lambda e: e["customer_number"] == number,
        approval_state="pending",
        period_start=OCTOBER["start"],
    )
    return {
        "psa.customer": {"customer_id": customer["id"], **mine},
        "psa.project": on_project | {"project_code": project["project_code"]},
        "markers": {"customer": number, "code": project["project_code"], "name": project["name"]},
        "psa.free-task": on_project | {"task_id": task["id"]},
        "psa.free-resource": on_project | {"resource_id": resource["id"]},
        "psa.assignment": assignment,
        "psa.entry-to-bill": {"entry_id": entry["id"], "entry_ids": [entry["id"]]},
        "psa.pending-entry": {
            "entry_id": entry["id"],
            "project_id": entry["project_id"],
            "period_start": entry["spent_date"],
            "period_end": entry["spent_date"],
        },
        "erp.customer": mine,
        "erp.draft-invoice": await invoice_of(gw, ERP, number, "draft"),
        "erp.open-invoice": await invoice_of(gw, ERP, number, "authorised"),
        "billing.customer": mine,
        "billing.draft-invoice": mine | await invoice_of(gw, BILLING, number, "draft"),
        "billing.open-invoice": await invoice_of(gw, BILLING, number, "open"),
    }


async def firm_targets(gw: PartnerGateway, b_project_code: str) -> dict[str, dict[str, Any]]:
    """Records no partner owns: a worker, an org unit, a resource, a journal, a dimension."""
    worker = (await gw.read(HCM, "/workers", limit=1))["items"][0]
    unit = (await gw.read(HCM, "/org-units", limit=1))["items"][0]
    resource = (await gw.read(PSA, "/resources", limit=1))["items"][0]
    # The demo firm has no manual journals: the firm posts one to have one to hide.
    journal = await gw.call(
        "firm",
        "POST",
        ERP,
        "/legal-entities/{legal_entity}/journal-entries".format(**BASE),
        json={"date": SAMPLE["date"], "narration": "Firm journal", "lines": JOURNAL_LINES},
    )
    assert journal.status_code == 201, journal.text
    dimensions = "/legal-entities/{legal_entity}/project-dimensions".format(**BASE)
    dimension = await gw.find(ERP, dimensions, lambda d: d["project_code"] == b_project_code)
    return {
        "hcm.worker": {"worker_id": worker["id"], "employee_number": worker["employee_number"]},
        "hcm.new-worker": {"employee_number": "E9901"},
        "hcm.org-unit": {"org_unit_id": unit["id"]},
        "psa.resource": {"resource_id": resource["id"]},
        "psa.new-resource": {"employee_number": "E9902"},
        "erp.journal": {"journal_id": journal.json()["id"]},
        "erp.project-dimension": {"project_code": dimension["project_code"]},
    }


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def scene(gw: PartnerGateway) -> Scene:
    gw.reset_vendor_limits()
    theirs = await foreign_targets(gw, B)
    gw.reset_vendor_limits()
    firm = await firm_targets(gw, theirs["psa.project"]["project_code"])
    targets: Targets = {"a": await own_targets(gw, A) | firm, "b": theirs | firm}
    return Scene(gw, targets, BASE, SAMPLE)


async def test_every_mounted_system_route_has_an_isolation_rule(gw: PartnerGateway) -> None:
    routes = mounted_system_routes(gw.app)
    assert {r.api for r in routes} == set(ROUTES)
    walked = {(r.api, r.operation_id) for r in routes}
    tabled = {(api, op) for api, ops in ROUTES.items() for op in ops}
    assert not walked - tabled, f"add an isolation rule to ROUTES for: {sorted(walked - tabled)}"
    assert not tabled - walked, f"ROUTES names operations nothing serves: {sorted(tabled - walked)}"
    # An id in a path names an object: such a route must prove it cannot reach another's.
    unproven = [
        str(r)
        for r in routes
        if r.path_params - BASE.keys() and not isinstance(rule_of(r), Foreign)
    ]
    assert not unproven, f"routes with an object id but no Foreign rule: {unproven}"
    # Listed and Hidden are read checks: a write needs a Foreign rule (or a Reference one).
    misfiled = [
        str(r) for r in routes if r.method != "GET" and isinstance(rule_of(r), Listed | Hidden)
    ]
    assert not misfiled, f"writes checked as reads: {misfiled}"


async def test_no_route_lets_a_partner_reach_another_partners_object(scene: Scene) -> None:
    problems = []
    checked = 0
    for route in mounted_system_routes(scene.gw.app):
        rule = rule_of(route)
        if isinstance(rule, Foreign):
            scene.gw.reset_vendor_limits()
            problems += await check_foreign(scene, route, rule)
            checked += 1
    assert not problems, "\n".join(problems)
    assert checked == sum(isinstance(r, Foreign) for ops in ROUTES.values() for r in ops.values())


async def test_lists_show_a_partner_only_its_own_records(scene: Scene) -> None:
    problems = []
    for route in mounted_system_routes(scene.gw.app):
        rule = rule_of(route)
        scene.gw.reset_vendor_limits()
        if isinstance(rule, Listed):
            problems += await check_listed(scene, route, rule)
        elif isinstance(rule, Hidden):
            problems += await check_hidden(scene, route, rule)
        elif isinstance(rule, Reference) and route.method == "GET":
            problems += await check_reference(scene, route)
    assert not problems, "\n".join(problems)


async def test_sensitive_fields_are_null_without_their_scope(gw: PartnerGateway) -> None:
    async def sensitive(who: str) -> list[Any]:
        customers = await gw.items(who, BILLING, "/customers") or []
        entries = (await gw.call(who, "GET", PSA, "/time-entries", params={"limit": 20})).json()
        return [c["balance"] for c in customers] + [e["cost_rate"] for e in entries["items"]]

    # Compensation and resource cost rates are on records partners never see (Hidden above):
    # what a partner can see is its balance in billing and the cost rates of its time.
    plain, scoped = await sensitive("a-plain"), await sensitive("a")
    assert len(plain) > 1
    assert plain == [None] * len(plain)
    # The control: the same records, seen with the scopes, carry the values.
    assert len(scoped) == len(plain)
    assert None not in scoped
