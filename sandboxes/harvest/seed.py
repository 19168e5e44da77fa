"""The demo firm as Harvest holds it: clients, tasks, users with rates, projects, staffing, time.

Ids start in Harvest-like ranges that differ per collection, so an id of the wrong kind
never finds a record by accident. The PSA's deliberate inconsistencies (a missing user,
a stale address, a leaver still active) come from `firm.inconsistencies`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from sandboxes._kit.store import Store
from sandboxes.demo_firm import DemoFirm, Project, TimeEntry, Worker

BASE_IDS = {
    "clients": 5_735_000,
    "tasks": 8_083_000,
    "users": 1_782_000,
    "projects": 14_308_000,
    "task_assignments": 155_502_000,
    "user_assignments": 125_068_000,
    "cost_rates": 825_000,
    "billable_rates": 1_836_000,
    "time_entries": 636_708_000,
}
NAME_FORMAT = "{number} · {name}"  # the firm's convention: see policies/mappings/psa.yaml
APPROVED_REASON = "Approved time entries are locked."
BILLED_REASON = "Item Invoiced"


def _at(day: date, hour: int = 9) -> str:
    return datetime.combine(day, time(hour), tzinfo=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _psa_value(firm: DemoFirm, obj: str, key: str, field: str, default: Any) -> Any:
    """What the PSA holds for a field: its deliberate variant, else the firm's truth."""
    for i in firm.inconsistencies:
        if (i.kind, i.system, i.object, i.key, i.field) == (
            "field_mismatch",
            "psa",
            obj,
            key,
            field,
        ):
            return i.value
    return default


class Ids:
    """Harvest ids handed out per collection, remembered by the firm's business keys."""

    def __init__(self) -> None:
        self.next = dict(BASE_IDS)
        self.by_key: dict[tuple[str, str], int] = {}

    def new(self, collection: str, key: str | None = None) -> int:
        self.next[collection] += 1
        value = self.next[collection]
        if key is not None:
            self.by_key[(collection, key)] = value
        return value

    def of(self, collection: str, key: str) -> int | None:
        return self.by_key.get((collection, key))


def _put(store: Store, collection: str, doc: dict[str, Any]) -> None:
    store.insert(collection, doc, id=doc["id"])


def seed_harvest(store: Store, firm: DemoFirm) -> None:
    """Fill an empty store with the demo firm's PSA data."""
    ids = Ids()
    opened = _at(date(firm.today.year - 1, 1, 4))
    for c in firm.customers:
        _put(
            store,
            "clients",
            {
                "id": ids.new("clients", c.customer_number),
                "name": NAME_FORMAT.format(number=c.customer_number, name=c.name),
                "is_active": True,
                "address": f"{c.city}, {c.country}",
                "statement_key": f"{c.id:032x}",
                "currency": c.currency,
                "created_at": opened,
                "updated_at": opened,
            },
        )
    for t in firm.tasks:
        _put(
            store,
            "tasks",
            {
                "id": ids.new("tasks", t.code),
                "name": t.name,
                "billable_by_default": t.billable_by_default,
                "default_hourly_rate": None,
                "is_default": False,
                "is_active": True,
                "created_at": opened,
                "updated_at": opened,
            },
        )
    missing = firm.absent_from("psa", "worker")
    for w in firm.workers:
        if w.employee_number not in missing:
            _seed_user(store, ids, firm, w)
    for p in firm.projects:
        _seed_project(store, ids, firm, p)
    _seed_staffing(store, ids, firm)
    for e in firm.time_entries:
        _seed_time_entry(store, ids, firm, e)


def _seed_user(store: Store, ids: Ids, firm: DemoFirm, w: Worker) -> None:
    key = w.employee_number
    active = _psa_value(firm, "worker", key, "status", w.status) == "active"
    at = _at(w.hire_date)
    user_id = ids.new("users", key)
    _put(
        store,
        "users",
        {
            "id": user_id,
            "first_name": w.first_name,
            "last_name": w.last_name,
            "email": _psa_value(firm, "worker", key, "email", w.email),
            "telephone": "",
            "timezone": firm.legal_entity(w.legal_entity).timezone,
            "has_access_to_all_future_projects": False,
            "is_contractor": False,
            "is_active": active,
            "weekly_capacity": int(w.weekly_capacity_hours * 3600),
            "default_hourly_rate": float(w.bill_rate),
            "cost_rate": float(w.cost_rate),
            "roles": [f"emp:{key}", f"grade:{w.grade}", f"entity:{w.legal_entity}", w.job_title],
            "access_roles": ["member"],
            "avatar_url": "https://d3s3969qhosaug.cloudfront.net/v2/user.png",
            "created_at": at,
            "updated_at": at,
        },
    )
    for kind, amount in (("cost_rates", w.cost_rate), ("billable_rates", w.bill_rate)):
        _put(
            store,
            kind,
            {
                "id": ids.new(kind),
                "user_id": user_id,
                "amount": float(amount),
                "start_date": w.hire_date.isoformat(),
                "end_date": None,
                "created_at": at,
                "updated_at": at,
            },
        )


def _seed_project(store: Store, ids: Ids, firm: DemoFirm, p: Project) -> None:
    at = _at(min(p.start_date, firm.today))  # planned projects exist before they start
    fixed = p.billing_method == "fixed_fee"
    _put(
        store,
        "projects",
        {
            "id": ids.new("projects", p.code),
            "client_id": ids.of("clients", p.customer),
            "name": p.name,
            "code": p.code,
            "is_active": p.status != "closed",
            "is_billable": p.billable,
            "is_fixed_fee": fixed,
            "bill_by": "People" if p.billable else "none",
            "hourly_rate": None,
            "budget": float(p.budget_hours),
            "budget_by": "project",
            "budget_is_monthly": False,
            "notify_when_over_budget": True,
            "over_budget_notification_percentage": 80.0,
            "over_budget_notification_date": None,
            "show_budget_to_all": False,
            "cost_budget": None,
            "cost_budget_include_expenses": False,
            "fee": None,
            "notes": None,
            "starts_on": p.start_date.isoformat(),
            "ends_on": p.end_date.isoformat() if p.end_date else None,
            "created_at": at,
            "updated_at": at,
        },
    )


def _seed_staffing(store: Store, ids: Ids, firm: DemoFirm) -> None:
    for pt in firm.project_tasks:
        project = firm.project(pt.project)
        at = _at(project.start_date)
        _put(
            store,
            "task_assignments",
            {
                "id": ids.new("task_assignments", f"{pt.project}/{pt.task}"),
                "project_id": ids.of("projects", pt.project),
                "task_id": ids.of("tasks", pt.task),
                "is_active": True,
                "billable": pt.billable,
                "hourly_rate": None,
                "budget": None,
                "created_at": at,
                "updated_at": at,
            },
        )
    for a in firm.assignments:
        user_id = ids.of("users", a.worker)
        if user_id is None:
            continue
        project = firm.project(a.project)
        at = _at(a.start_date)
        _put(
            store,
            "user_assignments",
            {
                "id": ids.new("user_assignments"),
                "project_id": ids.of("projects", a.project),
                "user_id": user_id,
                "is_active": a.end_date is None or a.end_date >= firm.today,
                "is_project_manager": project.manager == a.worker,
                "use_default_rates": False,
                "hourly_rate": float(a.bill_rate),
                "budget": None,
                "created_at": at,
                "updated_at": at,
            },
        )


def _seed_time_entry(store: Store, ids: Ids, firm: DemoFirm, e: TimeEntry) -> None:
    user_id = ids.of("users", e.worker)
    if user_id is None:
        return
    worker = firm.worker(e.worker)
    reason = BILLED_REASON if e.billed else APPROVED_REASON if e.approved else None
    at = _at(e.spent_date, 18)
    _put(
        store,
        "time_entries",
        {
            "id": BASE_IDS["time_entries"] + e.id,
            "spent_date": e.spent_date.isoformat(),
            "user_id": user_id,
            "project_id": ids.of("projects", e.project),
            "task_id": ids.of("tasks", e.task),
            "user_assignment": None,
            "task_assignment": None,
            "external_reference": None,
            "invoice": None,
            "hours": float(e.hours),
            "hours_without_timer": float(e.hours),
            "rounded_hours": float(e.hours),
            "notes": e.notes,
            "is_locked": e.approved or e.billed,
            "locked_reason": reason,
            "is_closed": e.approved,
            "is_billed": e.billed,
            "timer_started_at": None,
            "started_time": None,
            "ended_time": None,
            "is_running": False,
            "billable": e.billable,
            "budgeted": True,
            "billable_rate": float(e.bill_rate) if e.billable else None,
            "cost_rate": float(worker.cost_rate),
            "created_at": at,
            "updated_at": at,
        },
    )
