"""Time entries: list (user, client, project, task, billed, period, updated since), retrieve,
update — and approval.

Harvest's public API has no Timesheet Approval call (approval happens in its web app and
shows as `is_closed`, locking the entry). The sandbox accepts `is_closed: true` on
updateTimeEntry as that approval, which the spec's open request body permits; a real
account ignores the field, which the connector detects (see system_apis/psa/connector).
Likewise `is_billed: true` marks an approved entry billed (Harvest itself does so when one
of its invoices imports the time), locking it as invoiced.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from sandboxes._kit.store import Between, Store
from sandboxes.harvest.deps import StoreDep
from sandboxes.harvest.documents import Lookup, fetch, now, render_time_entry
from sandboxes.harvest.errors import Unprocessable
from sandboxes.harvest.paging import page_of

router = APIRouter()

APPROVED_REASON = "Approved time entries are locked."
BILLED_REASON = "Item Invoiced"
SANDBOX_FLAGS = frozenset({"is_closed", "is_billed"})


class TimeEntryChanges(BaseModel):
    model_config = ConfigDict(extra="ignore")

    project_id: int | None = None
    task_id: int | None = None
    spent_date: date | None = None
    hours: float | None = Field(default=None, ge=0, le=24)
    notes: str | None = None
    is_closed: bool | None = None  # the sandbox's approval (see the module docstring)
    is_billed: bool | None = None  # the sandbox's "invoiced elsewhere" (ditto)


class TimeEntryFilters(BaseModel):
    """listTimeEntries' query."""

    model_config = ConfigDict(populate_by_name=True)

    user_id: int | None = None
    client_id: int | None = None
    project_id: int | None = None
    task_id: int | None = None
    is_billed: bool | None = None
    is_running: bool | None = None
    updated_since: str | None = None
    from_: date | None = Field(default=None, alias="from")
    to: date | None = None
    page: int | None = None
    per_page: int | None = None


# What filtering and ordering read: SQLite extracts these, so only a page's entries are parsed.
_KEY_FIELDS = ("id", "spent_date", "project_id")


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _matching(store: Store, q: TimeEntryFilters) -> list[dict[str, Any]]:
    """The matching entries' key fields, latest spent_date first (then highest id)."""
    equals = {
        k: getattr(q, k)
        for k in ("user_id", "project_id", "task_id", "is_billed", "is_running")
        if getattr(q, k) is not None
    }
    if q.from_ or q.to:
        equals["spent_date"] = Between(_iso(q.from_), _iso(q.to))
    if q.updated_since:
        equals["updated_at"] = Between(low=q.updated_since)
    docs = store.select("time_entries", _KEY_FIELDS, **equals)
    if q.client_id is not None:
        projects = {p["id"] for p in store.select("projects", ("id",), client_id=q.client_id)}
        docs = [d for d in docs if d["project_id"] in projects]
    return sorted(docs, key=lambda d: (d["spent_date"], d["id"]), reverse=True)


@router.get("/time_entries")
def list_time_entries(
    request: Request, store: StoreDep, query: Annotated[TimeEntryFilters, Query()]
) -> dict[str, Any]:
    page = page_of(request, "time_entries", _matching(store, query))
    docs = store.get_many("time_entries", [d["id"] for d in page["time_entries"]])
    lookup = Lookup(store)
    page["time_entries"] = [render_time_entry(d, lookup) for d in docs]
    return page


@router.get("/time_entries/{time_entry_id}")
def retrieve_time_entry(time_entry_id: str, store: StoreDep) -> dict[str, Any]:
    doc = fetch(store, "time_entries", time_entry_id)
    return render_time_entry(doc, Lookup(store), detailed=True)


def _apply(doc: dict[str, Any], body: TimeEntryChanges, store: Any) -> dict[str, Any]:
    changes = body.model_dump(mode="json", include=body.model_fields_set - SANDBOX_FLAGS)
    if doc["is_locked"] and any(doc.get(k) != v for k, v in changes.items()):
        raise Unprocessable(f"Entry is locked: {doc['locked_reason']}")
    for key, collection in (("project_id", "projects"), ("task_id", "tasks")):
        if key in changes and store.get(collection, str(changes[key])) is None:
            raise Unprocessable(f"{collection[:-1].capitalize()} can't be blank")
    doc = doc | changes
    if body.is_closed and not doc["is_closed"]:
        doc |= {"is_closed": True, "is_locked": True, "locked_reason": APPROVED_REASON}
    elif body.is_closed is False and doc["is_closed"] and not doc["is_billed"]:
        doc |= {"is_closed": False, "is_locked": False, "locked_reason": None}
    if body.is_billed and not doc["is_billed"]:
        if not doc["is_closed"]:
            raise Unprocessable("Only approved time entries can be billed")
        doc |= {"is_billed": True, "is_locked": True, "locked_reason": BILLED_REASON}
    return doc


@router.patch("/time_entries/{time_entry_id}")
def update_time_entry(
    time_entry_id: str, body: TimeEntryChanges, store: StoreDep
) -> dict[str, Any]:
    with store.transaction():
        doc = fetch(store, "time_entries", time_entry_id)
        changed = _apply(doc, body, store)
        if changed != doc:
            changed["updated_at"] = now()
            store.replace("time_entries", doc["id"], changed)
    return render_time_entry(changed, Lookup(store), detailed=True)
