"""Contacts: list with Xero's filters and paging, get by id or number, create and update."""

from __future__ import annotations

import re
import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import JSONResponse

from sandboxes._kit.store import Store
from sandboxes.xero.auth import StoreDep, TenantDep
from sandboxes.xero.books import UUID, get_owned, modified_since, owned, render, stamp
from sandboxes.xero.idempotency import idempotent
from sandboxes.xero.where import parse_where
from sandboxes.xero.wire import bad_request, envelope, not_found, paged, validation_error

router = APIRouter()
COLLECTION = "contacts"
STATUSES = ("ACTIVE", "ARCHIVED", "GDPRREQUEST")
WRITABLE = (
    "ContactNumber",
    "Name",
    "EmailAddress",
    "TaxNumber",
    "DefaultCurrency",
    "ContactStatus",
)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
SEARCHED = ("Name", "FirstName", "LastName", "ContactNumber", "EmailAddress")


@router.get("/Contacts")
def get_contacts(
    *,
    org: TenantDep,
    store: StoreDep,
    where: str | None = None,
    ids: Annotated[str | None, Query(alias="IDs")] = None,
    page: int | None = None,
    page_size: Annotated[int | None, Query(alias="pageSize")] = None,
    include_archived: Annotated[bool, Query(alias="includeArchived")] = False,
    search_term: Annotated[str | None, Query(alias="searchTerm")] = None,
    if_modified_since: Annotated[str | None, Header()] = None,
) -> dict[str, Any]:
    """Contacts of the tenant, filtered as Xero filters them."""
    docs = modified_since(owned(store, COLLECTION, org["OrganisationID"]), if_modified_since)
    if not include_archived:
        docs = [d for d in docs if d["ContactStatus"] != "ARCHIVED"]
    if ids:
        wanted = {i.strip().lower() for i in ids.split(",")}
        docs = [d for d in docs if d["ContactID"] in wanted]
    if search_term:
        term = search_term.casefold()
        docs = [d for d in docs if any(term in str(d.get(f) or "").casefold() for f in SEARCHED)]
    docs = [d for d in docs if parse_where(where)(d)]
    items, extra = paged(docs, page, page_size)
    return envelope("Contacts", [render(d) for d in items], **extra)


@router.get("/Contacts/{ContactRef}")
def get_contact(ContactRef: str, org: TenantDep, store: StoreDep) -> dict[str, Any]:  # noqa: N803
    """One contact by ContactID or, when the path is not a GUID, by ContactNumber."""
    return envelope("Contacts", [render(_find(store, org["OrganisationID"], ContactRef))])


@router.put("/Contacts")
async def create_contacts(request: Request, org: TenantDep, store: StoreDep) -> JSONResponse:
    """Create contacts (a name already in use is refused)."""
    tenant_id = org["OrganisationID"]
    return await idempotent(request, store, tenant_id, lambda b: _write(store, tenant_id, b, False))


@router.post("/Contacts")
async def update_or_create_contacts(
    request: Request, org: TenantDep, store: StoreDep
) -> JSONResponse:
    """Update contacts matched by ContactID or ContactNumber; create the others."""
    tenant_id = org["OrganisationID"]
    return await idempotent(request, store, tenant_id, lambda b: _write(store, tenant_id, b, True))


@router.post("/Contacts/{ContactID}")
async def update_contact(
    ContactID: str,  # noqa: N803
    request: Request,
    org: TenantDep,
    store: StoreDep,
) -> JSONResponse:
    """Update one contact by its id."""
    tenant_id = org["OrganisationID"]
    existing = _find(store, tenant_id, ContactID)

    def write(body: dict[str, Any]) -> dict[str, Any]:
        contacts = _contacts(body)
        contacts[0] = {**contacts[0], "ContactID": existing["ContactID"]}
        return _write(store, tenant_id, {"Contacts": contacts[:1]}, True)

    return await idempotent(request, store, tenant_id, write)


def _find(store: Store, tenant_id: str, ref: str) -> dict[str, Any]:
    if UUID.match(ref):
        doc = get_owned(store, COLLECTION, tenant_id, ref)
    else:
        matches = store.find(COLLECTION, _tenant=tenant_id, ContactNumber=ref)
        doc = matches[0] if matches else None
    if doc is None:
        raise not_found()
    return doc


def _contacts(body: dict[str, Any]) -> list[dict[str, Any]]:
    contacts = body.get("Contacts")
    if (
        not isinstance(contacts, list)
        or not contacts
        or not all(isinstance(c, dict) for c in contacts)
    ):
        raise bad_request("The request must contain a non-empty Contacts array")
    return contacts


def _write(store: Store, tenant_id: str, body: dict[str, Any], upsert: bool) -> dict[str, Any]:
    saved = []
    with store.transaction():
        for given in _contacts(body):
            existing = _match(store, tenant_id, given) if upsert else None
            saved.append(_save(store, tenant_id, given, existing))
    return envelope("Contacts", [render(d) for d in saved])


def _match(store: Store, tenant_id: str, given: dict[str, Any]) -> dict[str, Any] | None:
    if given.get("ContactID"):
        found = get_owned(store, COLLECTION, tenant_id, str(given["ContactID"]))
        if found is None:
            raise not_found()
        return found
    if given.get("ContactNumber"):
        matches = store.find(COLLECTION, _tenant=tenant_id, ContactNumber=given["ContactNumber"])
        return matches[0] if matches else None
    return None


def _save(
    store: Store, tenant_id: str, given: dict[str, Any], existing: dict[str, Any] | None
) -> dict[str, Any]:
    changes = {k: given[k] for k in WRITABLE if k in given}
    merged = {**(existing or {}), **changes}
    errors = _problems(store, tenant_id, merged, existing)
    if errors:
        raise validation_error(errors, given)
    if existing is not None:
        return store.update(
            COLLECTION, existing["ContactID"], {**changes, "UpdatedDateUTC": stamp()}
        )
    contact_id = str(uuid.uuid4())
    doc = {
        "ContactID": contact_id,
        "ContactStatus": "ACTIVE",
        "Addresses": [],
        "Phones": [],
        "IsSupplier": False,
        "IsCustomer": False,
        "HasAttachments": False,
        "HasValidationErrors": False,
        **changes,
        "UpdatedDateUTC": stamp(),
        "_tenant": tenant_id,
    }
    return store.insert(COLLECTION, doc, id=contact_id)


def _problems(
    store: Store, tenant_id: str, contact: dict[str, Any], existing: dict[str, Any] | None
) -> list[str]:
    errors = []
    name = contact.get("Name")
    if not isinstance(name, str) or not name.strip():
        errors.append("The contact name must be specified.")
    elif len(name) > 255:
        errors.append("The contact name must be 255 characters or fewer.")
    else:
        same = store.find(COLLECTION, _tenant=tenant_id, Name=name, ContactStatus="ACTIVE")
        if any(existing is None or d["ContactID"] != existing["ContactID"] for d in same):
            errors.append(
                f"The contact name {name} is already assigned to another contact. "
                "The contact name must be unique across all active contacts."
            )
    if contact.get("ContactStatus", "ACTIVE") not in STATUSES:
        errors.append("ContactStatus is not valid.")
    email = contact.get("EmailAddress")
    if email and not _EMAIL.match(str(email)):
        errors.append("Email address must be valid.")
    if len(str(contact.get("ContactNumber") or "")) > 50:
        errors.append("The Contact Number must be 50 characters or fewer.")
    return errors
