"""Manifest models: how a system or process API declares itself to the registry."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field, model_validator
from pydantic_settings import BaseSettings

if TYPE_CHECKING:
    import httpx

S = TypeVar("S", bound=BaseSettings)


class Lifecycle(StrEnum):
    """Where an API version is in its life."""

    ACTIVE = "active"
    DEPRECATED = "deprecated"
    RETIRED = "retired"


class RemoteTarget(BaseModel):
    """A version served by another deployment; the gateway proxies to it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    base_url: AnyHttpUrl
    connect_timeout_s: float = Field(default=2.0, gt=0)
    read_timeout_s: float = Field(default=30.0, gt=0)


@dataclass(frozen=True, slots=True)
class RuntimeContext:
    """What the gateway hands a version's runtime: its environment and shared services."""

    environ: Mapping[str, str]
    redis_url: str | None
    policy_dir: Path
    data_dir: Path
    database_url: str | None = None
    """The gateway's application database (SQLAlchemy async URL), for runtimes that keep rows."""
    api_http: Callable[[str], httpx.AsyncClient] | None = field(default=None, compare=False)
    """A client for another API version, by base path ('/system/hcm/v1'): it reaches that
    version through the gateway's edge, authenticated as the internal process runtime."""


def settings_from(cls: type[S], ctx: RuntimeContext) -> S:
    """Settings for an API version from the environment the gateway handed over."""
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


class ApiVersion(BaseModel):
    """One mounted version of an API: in-process router or remote target."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    number: int = Field(ge=1)
    lifecycle: Lifecycle = Lifecycle.ACTIVE
    app: str | None = Field(
        default=None,
        description="Import path 'package.module:attribute' of the version's APIRouter.",
    )
    remote: RemoteTarget | None = None
    runtime: str | None = Field(
        default=None,
        description="Import path of `runtime(ctx: RuntimeContext)`, an async context manager "
        "yielding the version's long-lived service (connectors, pools); in-process versions only.",
    )
    scopes: tuple[str, ...] = ()
    deprecated_at: datetime | None = None
    sunset_at: datetime | None = None

    @model_validator(mode="after")
    def _one_target(self) -> ApiVersion:
        if (self.app is None) == (self.remote is None):
            raise ValueError("a version needs exactly one of 'app' or 'remote'")
        if self.runtime is not None and self.app is None:
            raise ValueError("'runtime' belongs to in-process versions")
        if self.lifecycle is Lifecycle.DEPRECATED and self.deprecated_at is None:
            raise ValueError("a deprecated version needs 'deprecated_at'")
        return self

    @property
    def label(self) -> str:
        return f"v{self.number}"


class ApiManifest(BaseModel):
    """A system or process API: name, owner and versions, discovered by convention."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    kind: Literal["system", "process"]
    title: str
    owner: str
    description: str = ""
    versions: tuple[ApiVersion, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_versions(self) -> ApiManifest:
        numbers = [v.number for v in self.versions]
        if len(numbers) != len(set(numbers)):
            raise ValueError("version numbers must be unique")
        return self

    def base_path(self, version: ApiVersion) -> str:
        return f"/{self.kind}/{self.name}/{version.label}"
