"""Harvest v2 routes, one module per resource, all under /v2 behind Harvest's auth."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from sandboxes.harvest.auth import authenticate
from sandboxes.harvest.routes import (
    clients,
    projects,
    task_assignments,
    tasks,
    time_entries,
    user_assignments,
    users,
)


def harvest_router() -> APIRouter:
    """Every Harvest route the sandbox imitates, under the spec's /v2 base path."""
    router = APIRouter(prefix="/v2", dependencies=[Depends(authenticate)])
    for module in (clients, projects, tasks, task_assignments, user_assignments, users):
        router.include_router(module.router)
    router.include_router(time_entries.router)
    return router
