"""Manual journals: list, get and create; a journal must balance and respect the lock dates."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request
from fastapi.responses import JSONResponse

from sandboxes._kit.store import Store
from sandboxes.xero.auth import StoreDep, TenantDep
from sandboxes.xero.books import (
    account_errors,
    get_owned,
    lock_error,
    modified_since,
    owned,
    render,
    resolve_tracking,
    stamp,
)
from sandboxes.xero.idempotency import idempotent
from sandboxes.xero.where import parse_where
from sandboxes.xero.wire import (
    bad_request,
    envelope,
    money,
    not_found,
    number,
    paged,
    parse_date,
    validation_error,
)

router = APIRouter()
COLLECTION = "manual_journals"
STATUSES = ("DRAFT", "POSTED")


@router.get("/ManualJournals")
def get_manual_journals(
    *,
    org: TenantDep,
    store: StoreDep,
    where: str | None = None,
    page: int | None = None,
    page_size: Annotated[int | None, Query(alias="pageSize")] = None,
    if_modified_since: Annotated[str | None, Header()] = None,
) -> dict[str, Any]:
    """The tenant's manual journals."""
    docs = modified_since(owned(store, COLLECTION, org["OrganisationID"]), if_modified_since)
    docs = [d for d in docs if parse_where(where)(d)]
    items, extra = paged(docs, page, page_size)
    return envelope("ManualJournals", [render(d) for d in items], **extra)


@router.get("/ManualJournals/{ManualJournalID}")
def get_manual_journal(
    ManualJournalID: str,  # noqa: N803
    org: TenantDep,
    store: StoreDep,
) -> dict[str, Any]:
    """One manual journal by id."""
    doc = get_owned(store, COLLECTION, org["OrganisationID"], ManualJournalID)
    if doc is None:
        raise not_found()
    return envelope("ManualJournals", [render(doc)])


@router.put("/ManualJournals")
async def create_manual_journals(request: Request, org: TenantDep, store: StoreDep) -> JSONResponse:
    """Create manual journals; one refused journal refuses the request."""

    def write(body: dict[str, Any]) -> dict[str, Any]:
        items = body.get("ManualJournals")
        if not isinstance(items, list) or not items or not all(isinstance(i, dict) for i in items):
            raise bad_request("The request must contain a non-empty ManualJournals array")
        with store.transaction():
            created = [_build(store, org, given) for given in items]
            for doc in created:
                store.insert(COLLECTION, doc, id=doc["ManualJournalID"])
        return envelope("ManualJournals", [render(d) for d in created])

    return await idempotent(request, store, org["OrganisationID"], write)


def _build(store: Store, org: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
    errors: list[str] = []
    if not str(given.get("Narration") or "").strip():
        errors.append("Narration must be specified.")
    day = parse_date(given.get("Date"))
    if day is None:
        errors.append("Date must be a valid date.")
    status = given.get("Status", "DRAFT")
    if status not in STATUSES:
        errors.append("Status must be DRAFT or POSTED.")
    lines = _lines(store, org, given.get("JournalLines"), errors)
    if status == "POSTED":
        errors += [e for e in [lock_error(org, day)] if e]
    if errors:
        raise validation_error(errors, given)
    journal_id = str(uuid.uuid4())
    return {
        "ManualJournalID": journal_id,
        "Narration": given["Narration"],
        "Date": day.isoformat() if day else None,
        "Status": status,
        "LineAmountTypes": given.get("LineAmountTypes", "NoTax"),
        "ShowOnCashBasisReports": bool(given.get("ShowOnCashBasisReports", True)),
        "HasAttachments": False,
        "JournalLines": lines,
        "UpdatedDateUTC": stamp(),
        "_tenant": org["OrganisationID"],
    }


def _lines(
    store: Store, org: dict[str, Any], given: Any, errors: list[str]
) -> list[dict[str, Any]]:
    if not isinstance(given, list) or len(given) < 2:
        errors.append("A manual journal must have at least two journal lines.")
        return []
    lines, debits, credits = [], Decimal(0), Decimal(0)
    for raw in given:
        item = raw if isinstance(raw, dict) else {}
        try:
            amount = money(item.get("LineAmount"))
        except ArithmeticError:
            errors.append("LineAmount must be a number.")
            continue
        debits += max(amount, Decimal(0))
        credits += max(-amount, Decimal(0))
        errors += account_errors(org, [item.get("AccountCode")])
        tracking, tracking_errors = resolve_tracking(
            store, org["OrganisationID"], item.get("Tracking")
        )
        errors += tracking_errors
        line = {
            "LineAmount": number(amount),
            "AccountCode": item.get("AccountCode"),
            "Description": item.get("Description", ""),
            "TaxType": "NONE",
            "TaxAmount": 0.0,
            "IsBlank": False,
            "Tracking": tracking,
        }
        lines.append(line)
    if debits != credits:
        errors.append(f"The total debits ({debits:.2f}) must equal total credits ({credits:.2f}).")
    return lines
