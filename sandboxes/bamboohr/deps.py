"""Dependencies the BambooHR routes share: the store, the auth check, query helpers."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Depends, Request

from sandboxes._kit.store import Store
from sandboxes.bamboohr.errors import BambooError


def get_store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


StoreDep = Annotated[Store, Depends(get_store)]


def csv_values(request: Request, name: str) -> list[str]:
    """A list parameter given repeated (`a=1&a=2`, `a[]=1`) or comma-separated (`a=1,2`)."""
    raw = [*request.query_params.getlist(name), *request.query_params.getlist(name + "[]")]
    return [part.strip() for value in raw for part in value.split(",") if part.strip()]


def query_date(request: Request, name: str, *, required: bool) -> date | None:
    """A YYYY-MM-DD query parameter; 400 when missing (if required) or malformed."""
    value = request.query_params.get(name)
    if value is None:
        if required:
            raise BambooError(400, f"Missing required parameter: {name}")
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BambooError(400, f"Invalid date for parameter: {name}") from None
