"""Projects: list (active, client, updated since), create, retrieve, update."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict
from starlette import status

from sandboxes.harvest.deps import ActiveQuery, IdQuery, SinceQuery, StoreDep
from sandboxes.harvest.documents import Lookup, fetch, keep, newest_first, now, render_project
from sandboxes.harvest.errors import Unprocessable
from sandboxes.harvest.paging import page_of

router = APIRouter()

BillBy = Literal["Project", "Tasks", "People", "none"]
BudgetBy = Literal["project", "project_cost", "task", "task_fees", "person", "none"]


class ProjectChanges(BaseModel):
    """updateProject's body: every field optional, unknown ones ignored (as Harvest does)."""

    model_config = ConfigDict(extra="ignore")

    client_id: int | None = None
    name: str | None = None
    code: str | None = None
    is_active: bool | None = None
    is_billable: bool | None = None
    is_fixed_fee: bool | None = None
    bill_by: BillBy | None = None
    hourly_rate: float | None = None
    budget: float | None = None
    budget_by: BudgetBy | None = None
    budget_is_monthly: bool | None = None
    notify_when_over_budget: bool | None = None
    over_budget_notification_percentage: float | None = None
    show_budget_to_all: bool | None = None
    cost_budget: float | None = None
    cost_budget_include_expenses: bool | None = None
    fee: float | None = None
    notes: str | None = None
    starts_on: date | None = None
    ends_on: date | None = None


class NewProject(ProjectChanges):
    """createProject's body: the five fields Harvest requires."""

    client_id: int
    name: str
    is_billable: bool
    bill_by: BillBy
    budget_by: BudgetBy


DEFAULTS: dict[str, Any] = {
    "code": None,
    "is_active": True,
    "is_fixed_fee": False,
    "hourly_rate": None,
    "budget": None,
    "budget_is_monthly": False,
    "notify_when_over_budget": False,
    "over_budget_notification_percentage": 80.0,
    "over_budget_notification_date": None,
    "show_budget_to_all": False,
    "cost_budget": None,
    "cost_budget_include_expenses": False,
    "fee": None,
    "notes": None,
    "starts_on": None,
    "ends_on": None,
}


def _checked(store: Any, doc: dict[str, Any]) -> dict[str, Any]:
    """Harvest's validations on a project about to be stored."""
    if not doc.get("name"):
        raise Unprocessable("Name can't be blank")
    if store.get("clients", str(doc["client_id"])) is None:
        raise Unprocessable("Client can't be blank")
    for other in store.find("projects", client_id=doc["client_id"], name=doc["name"]):
        if other["id"] != doc.get("id"):
            raise Unprocessable("Name has already been taken")
    if doc["starts_on"] and doc["ends_on"] and doc["ends_on"] < doc["starts_on"]:
        raise Unprocessable("Ends on must be after the start date")
    return doc


def _json(changes: ProjectChanges, *, fields: set[str]) -> dict[str, Any]:
    return {k: v for k, v in changes.model_dump(mode="json").items() if k in fields}


@router.get("/projects")
def list_projects(
    request: Request,
    store: StoreDep,
    is_active: ActiveQuery = None,
    client_id: IdQuery = None,
    updated_since: SinceQuery = None,
) -> dict[str, Any]:
    docs = store.find("projects", client_id=client_id) if client_id else store.all("projects")
    docs = keep(docs, is_active=is_active, updated_since=updated_since)
    lookup = Lookup(store)
    return page_of(request, "projects", [render_project(d, lookup) for d in newest_first(docs)])


@router.post("/projects", status_code=status.HTTP_201_CREATED)
def create_project(body: NewProject, store: StoreDep) -> dict[str, Any]:
    at = now()
    doc = {**DEFAULTS, **_json(body, fields=body.model_fields_set)}
    doc |= {"created_at": at, "updated_at": at}
    with store.transaction():
        stored = store.insert("projects", _checked(store, doc))
    return render_project(stored, Lookup(store))


@router.get("/projects/{project_id}")
def retrieve_project(project_id: str, store: StoreDep) -> dict[str, Any]:
    return render_project(fetch(store, "projects", project_id), Lookup(store))


@router.patch("/projects/{project_id}")
def update_project(project_id: str, body: ProjectChanges, store: StoreDep) -> dict[str, Any]:
    with store.transaction():
        doc = fetch(store, "projects", project_id)
        changed = {**doc, **_json(body, fields=body.model_fields_set), "updated_at": now()}
        stored = store.replace("projects", doc["id"], _checked(store, changed))
    return render_project(stored, Lookup(store))
