"""Glue between a version's runtime (its long-lived service) and its routes."""

from __future__ import annotations

import json
from typing import Any, TypeVar

from fastapi import Depends, Request
from pydantic_settings import BaseSettings

from contracts.problems import ProblemError
from contracts.registry import RuntimeContext

S = TypeVar("S", bound=BaseSettings)
T = TypeVar("T")


def settings_from(cls: type[S], ctx: RuntimeContext) -> S:
    """Settings for a system API from the environment the gateway handed over."""
    prefix = str(cls.model_config.get("env_prefix", "")).upper()
    values: dict[str, Any] = {}
    for name in cls.model_fields:
        value = ctx.environ.get(f"{prefix}{name}".upper())
        if value is not None:
            values[name] = _decoded(value)
    return cls(**values)


def _decoded(value: str) -> Any:
    """Lists and objects arrive as JSON, as pydantic-settings expects of complex fields."""
    if value.lstrip().startswith(("[", "{")):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def service_dep(key: str, cls: type[T]) -> Any:
    """A dependency yielding the service the version's runtime put in the lifespan state."""

    def get_service(request: Request) -> T:
        service = request.scope.get("state", {}).get("apis", {}).get(key)
        if not isinstance(service, cls):
            raise ProblemError("service-unavailable", f"{key} is not running in this process.")
        return service

    return Depends(get_service)
