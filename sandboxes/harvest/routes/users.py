"""Users (list, create, retrieve, update), their rate histories (cost and billable rates)
and a manager's assigned teammates (whose time the manager approves)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any, Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette import status

from sandboxes.harvest.deps import ActiveQuery, SinceQuery, StoreDep
from sandboxes.harvest.documents import fetch, keep, newest_first, now, stamped
from sandboxes.harvest.errors import Unprocessable
from sandboxes.harvest.paging import page_of

router = APIRouter()

RateKind = Literal["cost_rates", "billable_rates"]
# The user field a rate history keeps current.
CURRENT_FIELD = {"cost_rates": "cost_rate", "billable_rates": "default_hourly_rate"}


class UserChanges(BaseModel):
    """updateUser's body (rates are not in it: they have their own histories)."""

    model_config = ConfigDict(extra="ignore")

    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    timezone: str | None = None
    has_access_to_all_future_projects: bool | None = None
    is_contractor: bool | None = None
    is_active: bool | None = None
    weekly_capacity: int | None = Field(default=None, ge=0)
    roles: list[str] | None = None
    access_roles: list[str] | None = None


class NewUser(UserChanges):
    """createUser's body: the updateUser fields plus the first rates."""

    default_hourly_rate: float | None = Field(default=None, ge=0)
    cost_rate: float | None = Field(default=None, ge=0)


class TeammateIds(BaseModel):
    model_config = ConfigDict(extra="ignore")

    teammate_ids: list[str] | None


class NewRate(BaseModel):
    model_config = ConfigDict(extra="ignore")

    amount: float = Field(ge=0)
    start_date: date | None = None


@router.get("/users")
def list_users(
    request: Request,
    store: StoreDep,
    is_active: ActiveQuery = None,
    updated_since: SinceQuery = None,
) -> dict[str, Any]:
    docs = keep(store.all("users"), is_active=is_active, updated_since=updated_since)
    return page_of(request, "users", newest_first(docs))


@router.get("/users/{user_id}")
def retrieve_user(user_id: str, store: StoreDep) -> dict[str, Any]:
    return fetch(store, "users", user_id)


@router.patch("/users/{user_id}")
def update_user(user_id: str, body: UserChanges, store: StoreDep) -> dict[str, Any]:
    changes = {k: getattr(body, k) for k in body.model_fields_set}
    if changes.get("weekly_capacity", 0) % 1800:
        raise Unprocessable("Weekly capacity must be in half hour increments")
    with store.transaction():
        doc = fetch(store, "users", user_id)
        if "email" in changes and any(
            u["id"] != doc["id"] for u in store.find("users", email=changes["email"])
        ):
            raise Unprocessable("Email has already been taken")
        return store.replace("users", doc["id"], doc | changes | {"updated_at": now()})


def _rates(kind: RateKind, user_id: str, request: Request, store: Any) -> dict[str, Any]:
    user = fetch(store, "users", user_id)
    docs = sorted(store.find(kind, user_id=user["id"]), key=lambda d: d["start_date"] or "")
    items = [{k: v for k, v in d.items() if k != "user_id"} for d in docs]
    return page_of(request, kind, items)


def _add_rate(kind: RateKind, user_id: str, body: NewRate, store: Any) -> dict[str, Any]:
    """Append a rate; it ends the previous one and, once started, becomes the user's rate."""
    today = datetime.now(UTC).date()
    start = body.start_date or today
    with store.transaction():
        user = fetch(store, "users", user_id)
        for previous in store.find(kind, user_id=user["id"], end_date=None):
            if previous["start_date"] and previous["start_date"] >= start.isoformat():
                raise Unprocessable("Start date must be after the current rate's start date")
            end = (start - timedelta(days=1)).isoformat()
            store.update(kind, previous["id"], {"end_date": end, "updated_at": now()})
        doc = {"user_id": user["id"], "amount": body.amount, "start_date": start.isoformat()}
        stored = store.insert(kind, stamped(doc | {"end_date": None}))
        if start <= today:
            store.update(
                "users", user["id"], {CURRENT_FIELD[kind]: body.amount, "updated_at": now()}
            )
    return {k: v for k, v in stored.items() if k != "user_id"}


@router.get("/users/{user_id}/cost_rates")
def list_cost_rates(user_id: str, request: Request, store: StoreDep) -> dict[str, Any]:
    return _rates("cost_rates", user_id, request, store)


@router.post("/users/{user_id}/cost_rates", status_code=status.HTTP_201_CREATED)
def create_cost_rate(user_id: str, body: NewRate, store: StoreDep) -> dict[str, Any]:
    return _add_rate("cost_rates", user_id, body, store)


@router.get("/users/{user_id}/billable_rates")
def list_billable_rates(user_id: str, request: Request, store: StoreDep) -> dict[str, Any]:
    return _rates("billable_rates", user_id, request, store)


@router.post("/users/{user_id}/billable_rates", status_code=status.HTTP_201_CREATED)
def create_billable_rate(user_id: str, body: NewRate, store: StoreDep) -> dict[str, Any]:
    return _add_rate("billable_rates", user_id, body, store)


MANAGER_ROLES = frozenset({"administrator", "manager"})
PEOPLE_MANAGER = "people_manager"


def _email_taken(store: Any, email: str, user_id: int | None) -> bool:
    return any(u["id"] != user_id for u in store.find("users", email=email))


@router.post("/users", status_code=status.HTTP_201_CREATED)
def create_user(body: NewUser, store: StoreDep) -> dict[str, Any]:
    """Create a user; the rates given become the first (undated) entries of their histories."""
    for field in ("first_name", "last_name", "email"):
        if not getattr(body, field):
            raise Unprocessable(f"{field.replace('_', ' ').capitalize()} can't be blank")
    if (body.weekly_capacity or 0) % 1800:
        raise Unprocessable("Weekly capacity must be in half hour increments")
    with store.transaction():
        if _email_taken(store, str(body.email), None):
            raise Unprocessable("Email has already been taken")
        doc = {
            "first_name": body.first_name,
            "last_name": body.last_name,
            "email": body.email,
            "telephone": "",
            "timezone": body.timezone or "Eastern Time (US & Canada)",
            "has_access_to_all_future_projects": bool(body.has_access_to_all_future_projects),
            "is_contractor": bool(body.is_contractor),
            "is_active": body.is_active is not False,
            "weekly_capacity": 126000 if body.weekly_capacity is None else body.weekly_capacity,
            "default_hourly_rate": body.default_hourly_rate,
            "cost_rate": body.cost_rate,
            "roles": body.roles or [],
            "access_roles": body.access_roles or ["member"],
            "avatar_url": "https://d3s3969qhosaug.cloudfront.net/v2/user.png",
        }
        user = store.insert("users", stamped(doc))
        for kind, amount in (
            ("cost_rates", body.cost_rate),
            ("billable_rates", body.default_hourly_rate),
        ):
            if amount is not None:
                first = {"user_id": user["id"], "amount": amount, "start_date": None}
                store.insert(kind, stamped(first | {"end_date": None}))
    return user


def _teammates(store: Any, manager: dict[str, Any]) -> list[dict[str, Any]]:
    if not MANAGER_ROLES & set(manager.get("access_roles") or []):
        raise Unprocessable("User must be a Manager")
    rows = store.find("teammates", manager_id=manager["id"])
    users = [store.get("users", str(row["user_id"])) for row in rows]
    return [
        {k: u[k] for k in ("id", "first_name", "last_name", "email")}
        for u in users
        if u is not None
    ]


@router.get("/users/{user_id}/teammates")
def list_teammates(user_id: str, request: Request, store: StoreDep) -> dict[str, Any]:
    return page_of(request, "teammates", _teammates(store, fetch(store, "users", user_id)))


@router.patch("/users/{user_id}/teammates")
def update_teammates(user_id: str, body: TeammateIds, store: StoreDep) -> dict[str, Any]:
    """Replace the manager's teammates; the people_manager role follows whether any are left."""
    with store.transaction():
        manager = fetch(store, "users", user_id)
        _teammates(store, manager)
        wanted = [fetch(store, "users", i)["id"] for i in body.teammate_ids or []]
        for row in store.find("teammates", manager_id=manager["id"]):
            store.delete("teammates", row["id"])
        for teammate in dict.fromkeys(wanted):
            store.insert("teammates", {"manager_id": manager["id"], "user_id": teammate})
        roles = [r for r in manager["access_roles"] if r != PEOPLE_MANAGER]
        roles += [PEOPLE_MANAGER] if wanted else []
        if roles != manager["access_roles"]:
            store.update("users", manager["id"], {"access_roles": roles, "updated_at": now()})
        return {"teammates": _teammates(store, fetch(store, "users", user_id))}
