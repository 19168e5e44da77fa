"""Task assignments of one project: list and create (enable a catalogue task on it)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict
from starlette import status

from sandboxes.harvest.deps import ActiveQuery, SinceQuery, StoreDep
from sandboxes.harvest.documents import (
    Lookup,
    fetch,
    keep,
    newest_first,
    render_task_assignment,
    stamped,
)
from sandboxes.harvest.errors import Unprocessable
from sandboxes.harvest.paging import page_of

router = APIRouter()


class NewTaskAssignment(BaseModel):
    model_config = ConfigDict(extra="ignore")

    task_id: int
    is_active: bool = True
    billable: bool | None = None
    hourly_rate: float | None = None
    budget: float | None = None


@router.get("/projects/{project_id}/task_assignments")
def list_task_assignments_for_project(
    project_id: str,
    request: Request,
    store: StoreDep,
    is_active: ActiveQuery = None,
    updated_since: SinceQuery = None,
) -> dict[str, Any]:
    project = fetch(store, "projects", project_id)
    docs = keep(
        store.find("task_assignments", project_id=project["id"]),
        is_active=is_active,
        updated_since=updated_since,
    )
    lookup = Lookup(store)
    items = [render_task_assignment(d, lookup) for d in newest_first(docs)]
    return page_of(request, "task_assignments", items)


@router.post("/projects/{project_id}/task_assignments", status_code=status.HTTP_201_CREATED)
def create_task_assignment(
    project_id: str, body: NewTaskAssignment, store: StoreDep
) -> dict[str, Any]:
    with store.transaction():
        project = fetch(store, "projects", project_id)
        task = store.get("tasks", str(body.task_id))
        if task is None:
            raise Unprocessable("Task can't be blank")
        if store.find("task_assignments", project_id=project["id"], task_id=task["id"]):
            raise Unprocessable("Task has already been taken")
        doc = body.model_dump() | {"project_id": project["id"]}
        if doc["billable"] is None:
            doc["billable"] = task["billable_by_default"]
        stored = store.insert("task_assignments", stamped(doc))
    return render_task_assignment(stored, Lookup(store))
