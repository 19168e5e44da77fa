"""Dependencies every Stripe route takes: the store and the clock."""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import Depends, Request

from sandboxes._kit.store import Store


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def now() -> int:
    """Stripe timestamps are Unix seconds."""
    return int(time.time())


StoreDep = Annotated[Store, Depends(_store)]
