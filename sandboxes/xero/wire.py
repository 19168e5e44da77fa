"""How Xero speaks JSON: envelopes, MS-style dates, error bodies, paging.

Xero wraps every answer in `{"Id", "Status": "OK", "ProviderName", "DateTimeUTC", <Things>}`,
writes dates as `/Date(<ms since epoch>+0000)/`, and refuses bad writes with a 400 whose
`Elements` repeat each refused object with its `ValidationErrors`.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse, Response

PROVIDER_NAME = "Atrium Xero sandbox"
DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000
CENT = Decimal("0.01")


class XeroError(Exception):
    """An error Xero answers in its own shape; `body` None means an empty body."""

    def __init__(self, status: int, body: dict[str, Any] | None = None) -> None:
        super().__init__(status)
        self.status = status
        self.body = body


def validation_error(
    messages: list[str], element: dict[str, Any] | None = None, key: str = "Elements"
) -> XeroError:
    """Xero's 400 ValidationException for one refused object."""
    refused = {**(element or {}), "ValidationErrors": [{"Message": m} for m in messages]}
    return XeroError(
        400,
        {
            "ErrorNumber": 10,
            "Type": "ValidationException",
            "Message": "A validation exception occurred",
            key: [refused],
        },
    )


def not_found() -> XeroError:
    """Xero's 404 for an id it does not know."""
    return XeroError(
        404,
        {
            "Title": "Not Found",
            "Status": 404,
            "Detail": "The resource you're looking for cannot be found",
        },
    )


def bad_request(message: str) -> XeroError:
    """Xero's 400 for a malformed request (not a validation of an object)."""
    return XeroError(
        400, {"ErrorNumber": 14, "Type": "PostDataInvalidException", "Message": message}
    )


async def xero_error_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, XeroError)
    if exc.body is None:
        return Response(status_code=exc.status)
    return JSONResponse(exc.body, status_code=exc.status)


def now() -> datetime:
    return datetime.now(UTC)


def ms_date(value: str | None) -> str | None:
    """An ISO date or timestamp as Xero's `/Date(ms+0000)/`."""
    if not value:
        return None
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return f"/Date({int(moment.timestamp() * 1000)}+0000)/"


def parse_date(value: Any) -> date | None:
    """A request date: 'YYYY-MM-DD', an ISO timestamp or an MS date; None when unreadable."""
    if not isinstance(value, str) or not value:
        return None
    if value.startswith("/Date("):
        millis = value[6:].split("+")[0].split(")")[0]
        try:
            return datetime.fromtimestamp(int(millis) / 1000, tz=UTC).date()
        except ValueError:
            return None
    try:
        return datetime.fromisoformat(value).date()
    except ValueError:
        return None


def money(value: Any) -> Decimal:
    """A JSON number from a request or the store, exactly."""
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def number(value: Decimal) -> float:
    """A Decimal as the JSON number Xero writes (2 or 4 places survive a float exactly)."""
    return float(value)


def envelope(key: str, items: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    """Xero's response wrapper around a list of objects."""
    return {
        "Id": str(uuid.uuid4()),
        "Status": "OK",
        "ProviderName": PROVIDER_NAME,
        "DateTimeUTC": ms_date(now().isoformat()),
        **extra,
        key: items,
    }


def paged(
    items: list[dict[str, Any]], page: int | None, page_size: int | None
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """One page of `items` and the `pagination` block (everything when `page` is absent)."""
    if page is None:
        return items, {}
    if page < 1:
        raise bad_request("page must be 1 or more")
    size = min(max(page_size or DEFAULT_PAGE_SIZE, 1), MAX_PAGE_SIZE)
    count = len(items)
    block = {"page": page, "pageSize": size, "pageCount": -(-count // size), "itemCount": count}
    return items[(page - 1) * size : page * size], {"pagination": block}
