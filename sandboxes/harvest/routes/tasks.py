"""Tasks: the account's task catalogue (list, create, retrieve)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict
from starlette import status

from sandboxes.harvest.deps import ActiveQuery, SinceQuery, StoreDep
from sandboxes.harvest.documents import fetch, keep, newest_first, stamped
from sandboxes.harvest.errors import Unprocessable
from sandboxes.harvest.paging import page_of

router = APIRouter()


class NewTask(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: str
    billable_by_default: bool = True
    default_hourly_rate: float | None = None
    is_default: bool = False
    is_active: bool = True


@router.get("/tasks")
def list_tasks(
    request: Request,
    store: StoreDep,
    is_active: ActiveQuery = None,
    updated_since: SinceQuery = None,
) -> dict[str, Any]:
    docs = keep(store.all("tasks"), is_active=is_active, updated_since=updated_since)
    return page_of(request, "tasks", newest_first(docs))


@router.post("/tasks", status_code=status.HTTP_201_CREATED)
def create_task(body: NewTask, store: StoreDep) -> dict[str, Any]:
    if not body.name.strip():
        raise Unprocessable("Name can't be blank")
    with store.transaction():
        if store.find("tasks", name=body.name):
            raise Unprocessable("Name has already been taken")
        return store.insert("tasks", stamped(body.model_dump()))


@router.get("/tasks/{task_id}")
def retrieve_task(task_id: str, store: StoreDep) -> dict[str, Any]:
    return fetch(store, "tasks", task_id)
