"""Glue between a version's runtime (its long-lived service) and its routes."""

from __future__ import annotations

from typing import Any, TypeVar

from fastapi import Depends, Request

from contracts.problems import ProblemError
from contracts.registry import settings_from

T = TypeVar("T")

__all__ = ["service_dep", "settings_from"]


def service_dep(key: str, cls: type[T]) -> Any:
    """A dependency yielding the service the version's runtime put in the lifespan state."""

    def get_service(request: Request) -> T:
        service = request.scope.get("state", {}).get("apis", {}).get(key)
        if not isinstance(service, cls):
            raise ProblemError("service-unavailable", f"{key} is not running in this process.")
        return service

    return Depends(get_service)
