"""Shared rules of one organisation's books: rendering, accounts, tracking, lock dates."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

from sandboxes._kit.store import Store
from sandboxes.xero.wire import ms_date, now, parse_date

DATE_FIELDS = ("Date", "DueDate", "FullyPaidOnDate", "PeriodLockDate", "EndOfYearLockDate")
STAMP_FIELDS = ("UpdatedDateUTC", "CreatedDateUTC")
UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def render(doc: dict[str, Any]) -> dict[str, Any]:
    """A stored document as Xero sends it: private keys dropped, dates in MS form."""
    out = {k: v for k, v in doc.items() if not k.startswith("_") and v is not None}
    for name in (*DATE_FIELDS, *STAMP_FIELDS):
        if out.get(name):
            out[name] = ms_date(out[name])
    return out


def stamp() -> str:
    """The update timestamp Xero records on every change (UTC, millisecond precision)."""
    return now().isoformat(timespec="milliseconds")


def owned(store: Store, collection: str, tenant_id: str) -> list[dict[str, Any]]:
    """The tenant's documents of one collection, in creation order."""
    return store.find(collection, _tenant=tenant_id)


def get_owned(store: Store, collection: str, tenant_id: str, doc_id: str) -> dict[str, Any] | None:
    """One of the tenant's documents by id (another tenant's id is unknown here)."""
    doc = store.get(collection, doc_id.lower()) if UUID.match(doc_id) else None
    return doc if doc is not None and doc.get("_tenant") == tenant_id else None


def modified_since(docs: list[dict[str, Any]], header: str | None) -> list[dict[str, Any]]:
    """Xero's `If-Modified-Since`: only documents updated after the given moment."""
    since = _moment(header) if header else None
    if since is None:
        return docs  # Xero ignores a header it cannot read
    return [d for d in docs if (_moment(d.get("UpdatedDateUTC")) or since) > since]


def _moment(value: str | None) -> datetime | None:
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def lock_date(org: dict[str, Any]) -> date | None:
    """The later of the organisation's two lock dates."""
    dates = [parse_date(org.get(name)) for name in ("PeriodLockDate", "EndOfYearLockDate")]
    present = [d for d in dates if d is not None]
    return max(present) if present else None


def lock_error(org: dict[str, Any], day: date | None) -> str | None:
    """Xero's refusal for a posting dated on or before a lock date, else None."""
    lock = lock_date(org)
    if day is None or lock is None or day > lock:
        return None
    return f"The document date cannot be before the period lock date ({lock:%d %b %Y})."


def account_errors(org: dict[str, Any], codes: list[str | None]) -> list[str]:
    """One message per account code the organisation's chart does not hold."""
    chart = set(org.get("_accounts", []))
    return [
        f"Account code '{code}' is not a valid code for this document."
        for code in codes
        if code is not None and code not in chart
    ]


def resolve_tracking(
    store: Store, tenant_id: str, tracking: Any
) -> tuple[list[dict[str, Any]], list[str]]:
    """Line tracking by category and option name → full tracking, plus any refusals."""
    if not tracking:
        return [], []
    if not isinstance(tracking, list) or len(tracking) > 2:
        return [], ["A line can have at most 2 tracking categories."]
    categories = {c["Name"].casefold(): c for c in owned(store, "tracking", tenant_id)}
    resolved, errors = [], []
    for item in tracking:
        name, option = str(item.get("Name", "")), str(item.get("Option", ""))
        category = categories.get(name.casefold())
        match = next((o for o in (category or {}).get("Options", []) if o["Name"] == option), None)
        if category is None or match is None or match["Status"] != "ACTIVE":
            errors.append(f"The tracking option '{option}' of category '{name}' is not valid.")
            continue
        resolved.append(
            {
                "Name": category["Name"],
                "Option": match["Name"],
                "TrackingCategoryID": category["TrackingCategoryID"],
                "TrackingOptionID": match["TrackingOptionID"],
            }
        )
    return resolved, errors
