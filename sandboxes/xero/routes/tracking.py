"""Tracking categories (Xero's accounting dimensions) and their options."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from sandboxes._kit.store import Store
from sandboxes.xero.auth import StoreDep, TenantDep
from sandboxes.xero.books import get_owned, owned, render
from sandboxes.xero.idempotency import idempotent
from sandboxes.xero.where import parse_where
from sandboxes.xero.wire import envelope, not_found, validation_error

router = APIRouter()
COLLECTION = "tracking"
MAX_OPTIONS = 100


def _visible(category: dict[str, Any], include_archived: bool) -> dict[str, Any]:
    options = [o for o in category["Options"] if include_archived or o["Status"] == "ACTIVE"]
    return render({**category, "Options": options})


@router.get("/TrackingCategories")
def get_tracking_categories(
    org: TenantDep,
    store: StoreDep,
    where: str | None = None,
    include_archived: Annotated[bool, Query(alias="includeArchived")] = False,
) -> dict[str, Any]:
    """The tenant's tracking categories with their options."""
    docs = owned(store, COLLECTION, org["OrganisationID"])
    docs = [d for d in docs if include_archived or d["Status"] == "ACTIVE"]
    docs = [d for d in docs if parse_where(where)(d)]
    return envelope("TrackingCategories", [_visible(d, include_archived) for d in docs])


@router.get("/TrackingCategories/{TrackingCategoryID}")
def get_tracking_category(
    TrackingCategoryID: str,  # noqa: N803
    org: TenantDep,
    store: StoreDep,
) -> dict[str, Any]:
    """One tracking category with all its options."""
    doc = get_owned(store, COLLECTION, org["OrganisationID"], TrackingCategoryID)
    if doc is None:
        raise not_found()
    return envelope("TrackingCategories", [_visible(doc, True)])


@router.put("/TrackingCategories/{TrackingCategoryID}/Options")
async def create_tracking_options(
    TrackingCategoryID: str,  # noqa: N803
    request: Request,
    org: TenantDep,
    store: StoreDep,
) -> JSONResponse:
    """Add an option to a category; names are unique within it and at most 100 characters."""
    tenant_id = org["OrganisationID"]
    if get_owned(store, COLLECTION, tenant_id, TrackingCategoryID) is None:
        raise not_found()
    return await idempotent(
        request, store, tenant_id, lambda body: _add_option(store, TrackingCategoryID.lower(), body)
    )


def _add_option(store: Store, category_id: str, body: dict[str, Any]) -> dict[str, Any]:
    with store.transaction():
        category = store.get(COLLECTION, category_id)
        assert category is not None
        name = body.get("Name")
        errors = []
        if not isinstance(name, str) or not name.strip():
            errors.append("Tracking option name must be specified.")
        elif len(name) > 100:
            errors.append("Tracking option name must be 100 characters or fewer.")
        elif any(o["Name"].casefold() == name.casefold() for o in category["Options"]):
            errors.append("For each specified tracking option the name must be unique.")
        active = [o for o in category["Options"] if o["Status"] == "ACTIVE"]
        if len(active) >= MAX_OPTIONS:
            errors.append("A tracking category cannot have more than 100 active options.")
        if errors:
            raise validation_error(errors, {"Name": name}, key="Elements")
        option = {
            "TrackingOptionID": str(uuid.uuid4()),
            "Name": name,
            "Status": "ACTIVE",
            "HasValidationErrors": False,
            "IsNameModified": False,
            "IsDeleted": False,
            "IsArchived": False,
            "IsActive": True,
        }
        store.update(COLLECTION, category_id, {"Options": [*category["Options"], option]})
    return {"Options": [option]}


@router.post("/TrackingCategories/{TrackingCategoryID}/Options/{TrackingOptionID}")
async def update_tracking_option(
    TrackingCategoryID: str,  # noqa: N803
    TrackingOptionID: str,  # noqa: N803
    request: Request,
    org: TenantDep,
    store: StoreDep,
) -> JSONResponse:
    """Rename an option or change its status (ACTIVE or ARCHIVED)."""
    tenant_id = org["OrganisationID"]
    if get_owned(store, COLLECTION, tenant_id, TrackingCategoryID) is None:
        raise not_found()
    return await idempotent(
        request,
        store,
        tenant_id,
        lambda body: _update_option(store, TrackingCategoryID.lower(), TrackingOptionID, body),
    )


def _update_option(
    store: Store, category_id: str, option_id: str, body: dict[str, Any]
) -> dict[str, Any]:
    with store.transaction():
        category = store.get(COLLECTION, category_id)
        assert category is not None
        options = category["Options"]
        option = next((o for o in options if o["TrackingOptionID"] == option_id.lower()), None)
        if option is None:
            raise not_found()
        errors = _option_changes_refused(options, option, body)
        if errors:
            raise validation_error(errors, {"Name": body.get("Name")}, key="Elements")
        updated = {**option, **_option_changes(body)}
        store.update(
            COLLECTION,
            category_id,
            {"Options": [updated if o is option else o for o in options]},
        )
    return {"Options": [updated]}


def _option_changes_refused(
    options: list[dict[str, Any]], option: dict[str, Any], body: dict[str, Any]
) -> list[str]:
    errors = []
    name, status = body.get("Name"), body.get("Status")
    if name is not None and (not isinstance(name, str) or not name.strip() or len(name) > 100):
        errors.append("Tracking option name must be 1 to 100 characters.")
    elif name is not None and any(
        o is not option and o["Name"].casefold() == name.casefold() for o in options
    ):
        errors.append("For each specified tracking option the name must be unique.")
    if status is not None and status not in ("ACTIVE", "ARCHIVED"):
        errors.append("Tracking option status must be ACTIVE or ARCHIVED.")
    return errors


def _option_changes(body: dict[str, Any]) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    if body.get("Name") is not None:
        changes["Name"] = body["Name"]
    if body.get("Status") is not None:
        active = body["Status"] == "ACTIVE"
        changes |= {"Status": body["Status"], "IsArchived": not active, "IsActive": active}
    return changes
