"""Liveness (`/livez`) and readiness (`/readyz`: database and, when configured, Redis)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable
from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel

from contracts.problems import ProblemError
from gateway.database import ping
from gateway.state import StateDep

_log = logging.getLogger("atrium.health")
router = APIRouter(tags=["health"])


class Health(BaseModel):
    """Result of a health probe."""

    status: Literal["ok"]
    checks: dict[str, Literal["ok", "skipped"]] = {}


@router.get("/livez", operation_id="getLiveness", summary="Is the process alive")
async def livez() -> Health:
    """Answers as long as the event loop does; touches no dependency."""
    return Health(status="ok")


async def _check(name: str, probe: Awaitable[object], within_s: float) -> str | None:
    try:
        await asyncio.wait_for(probe, within_s)
    except Exception as exc:  # any failure means not ready, whatever raised it
        _log.warning("readiness check failed", extra={"check": name, "error": repr(exc)})
        return name
    return None


@router.get(
    "/readyz",
    operation_id="getReadiness",
    summary="Can the gateway serve traffic",
    responses={503: {"description": "A dependency is unreachable."}},
)
async def readyz(state: StateDep) -> Health:
    """Ready when the database answers and, if configured, Redis answers."""
    timeout = state["settings"].readiness_timeout_s
    probes: dict[str, Awaitable[object]] = {"database": ping(state["db"])}
    redis = state["redis"]
    if redis is not None:
        probes["redis"] = redis.ping()
    results = await asyncio.gather(*(_check(n, p, timeout) for n, p in probes.items()))
    failed = [name for name in results if name]
    if failed:
        raise ProblemError(
            "service-unavailable",
            f"Not ready: {', '.join(failed)} unreachable.",
            extensions={"failed_checks": failed},
        )
    checks: dict[str, Literal["ok", "skipped"]] = dict.fromkeys(probes, "ok")
    checks.setdefault("redis", "skipped")
    return Health(status="ok", checks=checks)
