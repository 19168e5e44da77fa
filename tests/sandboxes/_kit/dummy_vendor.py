"""A tiny vendor for testing the sandbox kit: things, an account header, its own 429 body."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.responses import Response

from sandboxes._kit.app import sandbox_app
from sandboxes._kit.limiter import Decision, VendorRateLimit
from sandboxes._kit.store import Store
from sandboxes.demo_firm import DemoFirm

router = APIRouter()


@router.get("/v1/things")
def list_things(request: Request) -> dict[str, Any]:
    return {"things": request.app.state.store.all("things"), "page": {"size": 100}}


@router.get("/v1/things/{thing_id}")
def get_thing(thing_id: int, request: Request) -> Response:
    doc = request.app.state.store.get("things", thing_id)
    if doc is None:
        return JSONResponse({"error": "no such thing"}, status_code=404)
    return JSONResponse(doc)


@router.post("/v1/things", status_code=201)
async def create_thing(request: Request) -> dict[str, Any]:
    doc: dict[str, Any] = request.app.state.store.insert("things", await request.json())
    return doc


@router.get("/v1/text")
def text() -> Response:
    return Response("plain words", media_type="text/plain")


def seed_things(store: Store, firm: DemoFirm) -> None:
    for customer in firm.customers[:5]:
        store.insert("things", {"name": customer.name, "number": customer.customer_number})


def render_429(decision: Decision) -> Response:
    return JSONResponse({"error": "slow down", "limit": decision.exceeded}, status_code=429)


def create_app(store_path: Path, *, seed: bool) -> FastAPI:
    limit = VendorRateLimit(
        ["3/minute"],
        lambda request: request.headers.get("x-account"),
        render_429,
        headers=lambda d: {"X-Calls-Left": str(d.remaining["3/minute"])},
    )
    return sandbox_app(
        "dummy", router, Store(store_path), limit=limit, seed=seed_things, seed_if_empty=seed
    )


def create_unseedable_app(store_path: Path, *, seed: bool) -> FastAPI:
    return sandbox_app("bare", router, Store(store_path))
