"""Policy models: the shapes of the YAML files under `policies/`, validated on load."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

# --- Rate limits (policies/rate_limits.yaml) ---------------------------------------------

_UNIT_SECONDS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
_WINDOW_TEXT = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*(second|minute|hour|day)s?\s*$")
_LABEL_UNITS = (("d", 86400), ("h", 3600), ("m", 60), ("s", 1))
ALL_ROUTES = "all"
"""The bucket of requests that match no route group."""


class RateWindow(BaseModel):
    """At most `limit` requests in any `seconds`-long window ('20/second', '100/5 minutes')."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    limit: int = Field(ge=1)
    seconds: int = Field(ge=1)

    @model_validator(mode="before")
    @classmethod
    def _parse_text(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        match = _WINDOW_TEXT.match(value)
        if match is None:
            raise ValueError(f"{value!r} is not 'N/unit' or 'N/M units' (second|minute|hour|day)")
        count, multiple, unit = match.groups()
        return {"limit": int(count), "seconds": int(multiple or 1) * _UNIT_SECONDS[unit]}

    @property
    def label(self) -> str:
        """A short name for the window length: '1s', '1h', '5m'."""
        for suffix, size in _LABEL_UNITS:
            if self.seconds % size == 0:
                return f"{self.seconds // size}{suffix}"
        raise AssertionError("unreachable: every length is a whole number of seconds")


Windows = tuple[RateWindow, ...]


class RouteGroup(BaseModel):
    """Routes (by method and path prefix) that get their own limits per tier."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(pattern=r"^[a-z][a-z0-9-]{0,31}$")
    methods: frozenset[str] | None = Field(
        default=None, description="HTTP methods in the group; all methods when omitted."
    )
    path_prefix: str = Field(default="/", pattern=r"^/")
    limits: dict[str, Windows] = Field(
        description="Windows per tier; a tier not listed here falls through to later groups."
    )

    @field_validator("methods")
    @classmethod
    def _upper(cls, methods: frozenset[str] | None) -> frozenset[str] | None:
        return frozenset(m.upper() for m in methods) if methods is not None else None

    @field_validator("limits")
    @classmethod
    def _windows_given(cls, limits: dict[str, Windows]) -> dict[str, Windows]:
        for tier, windows in limits.items():
            if not windows:
                raise ValueError(f"tier {tier!r} has no windows")
        return limits

    def matches(self, method: str, path: str) -> bool:
        return (self.methods is None or method in self.methods) and path.startswith(
            self.path_prefix
        )


class RateLimitPolicy(BaseModel):
    """Tiers of windows per client, with per-route-group overrides; first matching group wins."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    default_tier: str = "standard"
    tiers: dict[str, Windows]
    route_groups: tuple[RouteGroup, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> RateLimitPolicy:
        if self.default_tier not in self.tiers:
            raise ValueError(f"default_tier {self.default_tier!r} is not among the tiers")
        if any(not windows for windows in self.tiers.values()):
            raise ValueError("every tier needs at least one window")
        names = [g.name for g in self.route_groups]
        if len(set(names)) != len(names) or ALL_ROUTES in names:
            raise ValueError(f"route group names must be unique and not {ALL_ROUTES!r}")
        for group in self.route_groups:
            unknown = set(group.limits) - set(self.tiers)
            if unknown:
                raise ValueError(f"route group {group.name!r} names unknown tiers {unknown}")
        return self


# --- end of rate limits -------------------------------------------------------------------


# --- Scopes (policies/scopes.yaml) --------------------------------------------------------

Scope = Annotated[
    str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*)*:[a-z][a-z0-9_-]*$")
]
"""A scope name: dotted resource, colon, action ('hcm.workers:read', 'process.time-to-cash:run')."""

VersionKey = Annotated[
    str, StringConstraints(pattern=r"^(system|process)/[a-z][a-z0-9-]*/v[1-9][0-9]*$")
]
"""An API version as 'kind/name/vN', its base path without the leading slash."""


class ScopePolicy(BaseModel):
    """The scope catalogue and the scopes every operation of every API version requires.

    An operation absent from `operations` is refused (fail closed); an empty list means
    any valid token will do.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    scopes: dict[Scope, str] = Field(
        default_factory=dict, description="Every scope a client can hold, with what it grants."
    )
    public_paths: tuple[str, ...] = Field(
        default=("/openapi.json", "/docs"),
        description="Paths under every mounted version (relative to it) that need no token.",
    )
    operations: dict[VersionKey, dict[str, tuple[Scope, ...]]] = Field(
        default_factory=dict,
        description="Per API version, per operationId: the scopes a token must hold (all of them).",
    )

    @field_validator("scopes", "operations", mode="before")
    @classmethod
    def _empty_section(cls, value: Any) -> Any:
        # A section holding only comments (the per-API anchors) loads as None.
        return {} if value is None else value

    @field_validator("operations", mode="before")
    @classmethod
    def _empty_version(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {key: {} if ops is None else ops for key, ops in value.items()}
        return value

    @field_validator("public_paths")
    @classmethod
    def _absolute(cls, paths: tuple[str, ...]) -> tuple[str, ...]:
        for path in paths:
            if not path.startswith("/"):
                raise ValueError(f"public path {path!r} must start with '/'")
        return paths

    @model_validator(mode="after")
    def _catalogued(self) -> ScopePolicy:
        for key, operations in self.operations.items():
            for operation_id, scopes in operations.items():
                unknown = sorted(set(scopes) - set(self.scopes))
                if unknown:
                    raise ValueError(f"{key} {operation_id} requires uncatalogued scopes {unknown}")
        return self

    def required(self, version_key: str, operation_id: str) -> tuple[str, ...] | None:
        """The scopes an operation requires, or None when the policy does not cover it."""
        return self.operations.get(version_key, {}).get(operation_id)


# --- end of scopes ------------------------------------------------------------------------
