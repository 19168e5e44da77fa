"""User assignments: per project (list, create, retrieve, update) and account-wide (list)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict
from starlette import status

from sandboxes.harvest.deps import ActiveQuery, IdQuery, SinceQuery, StoreDep
from sandboxes.harvest.documents import (
    Lookup,
    fetch,
    keep,
    newest_first,
    now,
    render_user_assignment,
    stamped,
)
from sandboxes.harvest.errors import NotFound, Unprocessable
from sandboxes.harvest.paging import page_of

router = APIRouter()


class UserAssignmentChanges(BaseModel):
    model_config = ConfigDict(extra="ignore")

    is_active: bool | None = None
    is_project_manager: bool | None = None
    use_default_rates: bool | None = None
    hourly_rate: float | None = None
    budget: float | None = None


class NewUserAssignment(UserAssignmentChanges):
    user_id: int


def _listed(request: Request, store: Any, docs: list[dict[str, Any]]) -> dict[str, Any]:
    lookup = Lookup(store)
    items = [render_user_assignment(d, lookup) for d in newest_first(docs)]
    return page_of(request, "user_assignments", items)


@router.get("/user_assignments")
def list_user_assignments(
    request: Request,
    store: StoreDep,
    user_id: IdQuery = None,
    is_active: ActiveQuery = None,
    updated_since: SinceQuery = None,
) -> dict[str, Any]:
    docs = (
        store.find("user_assignments", user_id=user_id)
        if user_id
        else store.all("user_assignments")
    )
    return _listed(request, store, keep(docs, is_active=is_active, updated_since=updated_since))


@router.get("/projects/{project_id}/user_assignments")
def list_user_assignments_for_project(  # noqa: PLR0917 - the query is Harvest's
    project_id: str,
    request: Request,
    store: StoreDep,
    user_id: IdQuery = None,
    is_active: ActiveQuery = None,
    updated_since: SinceQuery = None,
) -> dict[str, Any]:
    project = fetch(store, "projects", project_id)
    docs = store.find("user_assignments", project_id=project["id"])
    if user_id:
        docs = [d for d in docs if d["user_id"] == user_id]
    return _listed(request, store, keep(docs, is_active=is_active, updated_since=updated_since))


@router.post("/projects/{project_id}/user_assignments", status_code=status.HTTP_201_CREATED)
def create_user_assignment(
    project_id: str, body: NewUserAssignment, store: StoreDep
) -> dict[str, Any]:
    with store.transaction():
        project = fetch(store, "projects", project_id)
        if store.get("users", str(body.user_id)) is None:
            raise Unprocessable("User can't be blank")
        if store.find("user_assignments", project_id=project["id"], user_id=body.user_id):
            raise Unprocessable("User has already been taken")
        doc = {
            "user_id": body.user_id,
            "project_id": project["id"],
            "is_active": True if body.is_active is None else body.is_active,
            "is_project_manager": bool(body.is_project_manager),
            "use_default_rates": body.use_default_rates is not False,
            "hourly_rate": body.hourly_rate,
            "budget": body.budget,
        }
        stored = store.insert("user_assignments", stamped(doc))
    return render_user_assignment(stored, Lookup(store))


def _of_project(store: Any, project_id: str, assignment_id: str) -> dict[str, Any]:
    project = fetch(store, "projects", project_id)
    doc = fetch(store, "user_assignments", assignment_id)
    if doc["project_id"] != project["id"]:
        raise NotFound
    return doc


@router.get("/projects/{project_id}/user_assignments/{user_assignment_id}")
def retrieve_user_assignment(
    project_id: str, user_assignment_id: str, store: StoreDep
) -> dict[str, Any]:
    return render_user_assignment(_of_project(store, project_id, user_assignment_id), Lookup(store))


@router.patch("/projects/{project_id}/user_assignments/{user_assignment_id}")
def update_user_assignment(
    project_id: str, user_assignment_id: str, body: UserAssignmentChanges, store: StoreDep
) -> dict[str, Any]:
    with store.transaction():
        doc = _of_project(store, project_id, user_assignment_id)
        changes = {k: getattr(body, k) for k in body.model_fields_set}
        stored = store.replace("user_assignments", doc["id"], doc | changes | {"updated_at": now()})
    return render_user_assignment(stored, Lookup(store))
