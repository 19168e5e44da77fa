"""Dependencies the Harvest routes share: the store and the request checks."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request

from sandboxes._kit.store import Store


def get_store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


StoreDep = Annotated[Store, Depends(get_store)]
ActiveQuery = Annotated[bool | None, Query()]
SinceQuery = Annotated[str | None, Query()]
IdQuery = Annotated[int | None, Query()]
