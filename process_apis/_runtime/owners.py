"""`policies/owners.yaml`: which team owns an exception and its SLA."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field


class OwnerRule(BaseModel):
    """One routing rule; absent fields match anything."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    error_type: str | None = None
    flow: str | None = None
    system: str | None = None
    owner: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    sla_hours: float = Field(gt=0)

    def matches(self, *, error_type: str, flow: str | None, system: str | None) -> bool:
        return all(
            wanted is None or wanted == actual
            for wanted, actual in (
                (self.error_type, error_type),
                (self.flow, flow),
                (self.system, system),
            )
        )


class OwnerPolicy(BaseModel):
    """Ordered routing rules; the last one must match everything."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    rules: tuple[OwnerRule, ...] = Field(min_length=1)

    def route(self, *, error_type: str, flow: str | None, system: str | None) -> OwnerRule:
        for rule in self.rules:
            if rule.matches(error_type=error_type, flow=flow, system=system):
                return rule
        raise LookupError("owners.yaml has no catch-all rule")


def load_owner_policy(policy_dir: Path) -> OwnerPolicy:
    """Read and validate `owners.yaml`."""
    with (policy_dir / "owners.yaml").open(encoding="utf-8") as handle:
        return OwnerPolicy.model_validate(yaml.safe_load(handle))
