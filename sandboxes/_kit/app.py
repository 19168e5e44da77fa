"""`sandbox_app`: a vendor router wired with its store, fault injection, rate limit and controls.

Control routes (never faulted, never rate limited, no vendor auth):

    GET/PUT/DELETE /_sandbox/faults   the current `Faults` (DELETE clears and releases hangs)
    GET/DELETE     /_sandbox/stats    request, status and 429 counts (DELETE zeroes them)
    POST           /_sandbox/reset    empty the store
    POST           /_sandbox/seed     empty the store, then seed it with the demo firm
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request, Response
from pydantic import BaseModel

from sandboxes._kit.faults import FaultMiddleware, Faults, FaultState
from sandboxes._kit.limiter import CONTROL_PREFIX, RateLimitMiddleware, VendorRateLimit
from sandboxes._kit.store import Store
from sandboxes.demo_firm import DemoFirm, build_demo_firm

Seeder = Callable[[Store, DemoFirm], None]


def seed_store(store: Store, seed: Seeder, firm: DemoFirm | None = None) -> dict[str, int]:
    """Empty the store and seed it in one transaction; the resulting collection counts."""
    with store.transaction():
        store.reset()
        seed(store, firm or build_demo_firm())
    return store.collections()


def _state(request: Request) -> FaultState:
    state: FaultState = request.app.state.faults
    return state


FaultStateDep = Annotated[FaultState, Depends(_state)]


class LimitSwitch(BaseModel):
    enabled: bool


def _control_router() -> APIRouter:
    router = APIRouter(prefix=CONTROL_PREFIX, tags=["sandbox"])

    @router.get("/faults", operation_id="getFaults")
    async def get_faults(state: FaultStateDep) -> Faults:
        return state.faults

    @router.put("/faults", operation_id="setFaults")
    async def set_faults(faults: Faults, state: FaultStateDep) -> Faults:
        state.set(faults)
        return state.faults

    @router.delete("/faults", status_code=204, operation_id="clearFaults")
    async def clear_faults(state: FaultStateDep) -> Response:
        state.clear()
        return Response(status_code=204)

    @router.get("/stats", operation_id="getStats")
    async def get_stats(state: FaultStateDep) -> dict[str, Any]:
        return state.stats()

    @router.delete("/stats", status_code=204, operation_id="resetStats")
    async def reset_stats(state: FaultStateDep) -> Response:
        state.reset_stats()
        return Response(status_code=204)

    @router.get("/limits", operation_id="getLimits")
    def get_limits(request: Request) -> dict[str, bool]:
        limit: VendorRateLimit | None = request.app.state.limit
        return {"enabled": limit is not None and limit.enabled}

    @router.put("/limits", operation_id="setLimits")
    def set_limits(switch: LimitSwitch, request: Request) -> dict[str, bool]:
        """Switch the vendor's rate limit off (or back on), e.g. while fuzzing contracts."""
        limit: VendorRateLimit | None = request.app.state.limit
        if limit is None:
            raise HTTPException(404, "this sandbox has no rate limit")
        limit.enabled = switch.enabled
        limit.reset()
        return {"enabled": limit.enabled}

    @router.post("/reset", status_code=204, operation_id="resetStore")
    def reset_store(request: Request) -> Response:
        request.app.state.store.reset()
        if request.app.state.limit is not None:
            request.app.state.limit.reset()
        return Response(status_code=204)

    @router.post("/seed", operation_id="seedStore")
    def seed_demo_firm(request: Request) -> dict[str, dict[str, int]]:
        seed: Seeder | None = request.app.state.seed
        if seed is None:
            raise HTTPException(404, "this sandbox has no demo-firm seed")
        return {"collections": seed_store(request.app.state.store, seed)}

    return router


def sandbox_app(
    name: str,
    router: APIRouter,
    store: Store,
    *,
    limit: VendorRateLimit | None = None,
    seed: Seeder | None = None,
    seed_if_empty: bool = False,
) -> FastAPI:
    """A FastAPI app serving `router` as vendor `name`, with the kit's controls around it.

    With `seed_if_empty`, an empty store is seeded with the demo firm now; a store that
    already holds data is left alone, so a restarted sandbox keeps its state.
    """
    app = FastAPI(
        title=f"{name} sandbox",
        docs_url=f"{CONTROL_PREFIX}/docs",
        redoc_url=None,
        openapi_url=f"{CONTROL_PREFIX}/openapi.json",
    )
    app.state.sandbox_name = name
    app.state.store = store
    app.state.limit = limit
    app.state.seed = seed
    app.state.faults = FaultState()
    app.include_router(_control_router())
    app.include_router(router)
    if limit is not None:
        app.add_middleware(RateLimitMiddleware, limit=limit)
    render_429 = {"render_429": limit.render_429} if limit is not None else {}
    app.add_middleware(FaultMiddleware, state=app.state.faults, **render_429)  # outermost
    if seed_if_empty and seed is not None and store.is_empty():
        seed_store(store, seed)
    return app
