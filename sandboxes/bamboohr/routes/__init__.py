"""The BambooHR routes, one module per resource, behind BambooHR's Basic auth."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from sandboxes.bamboohr.auth import authenticate
from sandboxes.bamboohr.routes import employees, meta, reports, tables, time_off


def bamboohr_router() -> APIRouter:
    router = APIRouter(dependencies=[Depends(authenticate)])
    for module in (employees, tables, time_off, meta, reports):
        router.include_router(module.router)
    return router
