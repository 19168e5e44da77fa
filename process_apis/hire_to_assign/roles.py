"""`policies/roles.yaml`: the role taxonomy that turns an HCM job title into a staffable role."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

CURRENCY = r"^[A-Z]{3}$"


def normalise(title: str) -> str:
    """A job title as matched: case-folded, spaces collapsed."""
    return re.sub(r"\s+", " ", title).strip().casefold()


class Rates(BaseModel):
    """Default hourly rates of a role in one currency."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    cost: Decimal = Field(ge=0, decimal_places=2)
    bill: Decimal = Field(ge=0, decimal_places=2)


class Role(BaseModel):
    """A role the PSA staffs people as."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    role: str = Field(min_length=1, max_length=100)
    grade: str = Field(min_length=1, max_length=40)
    job_titles: tuple[str, ...] = Field(min_length=1)
    rates: dict[str, Rates] = Field(min_length=1)

    @model_validator(mode="after")
    def _currencies(self) -> Role:
        if not all(re.match(CURRENCY, currency) for currency in self.rates):
            raise ValueError(f"{self.role}: rates are keyed by ISO 4217 currency codes")
        return self


class RoleTaxonomy(BaseModel):
    """Every role, and the currency each legal entity's rates are in."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    roles: tuple[Role, ...] = Field(min_length=1)
    currency_by_legal_entity: dict[str, str]

    @model_validator(mode="after")
    def _one_role_per_title(self) -> RoleTaxonomy:
        seen: dict[str, str] = {}
        for role in self.roles:
            for title in role.job_titles:
                other = seen.setdefault(normalise(title), role.role)
                if other != role.role:
                    raise ValueError(f"job title {title!r} is in roles {other!r} and {role.role!r}")
        return self

    def for_title(self, job_title: str | None) -> Role | None:
        """The role covering `job_title`, if any."""
        if not job_title:
            return None
        wanted = normalise(job_title)
        return next((r for r in self.roles if wanted in {normalise(t) for t in r.job_titles}), None)

    def named(self, name: str) -> Role | None:
        """The role called `name` (as a person resolving an exception would type it)."""
        wanted = normalise(name)
        return next((r for r in self.roles if normalise(r.role) == wanted), None)

    def currency_of(self, legal_entity: str | None) -> str | None:
        return self.currency_by_legal_entity.get(legal_entity or "")


def load_roles(policy_dir: Path) -> RoleTaxonomy:
    """Read and validate `roles.yaml`."""
    with (policy_dir / "roles.yaml").open(encoding="utf-8") as handle:
        return RoleTaxonomy.model_validate(yaml.safe_load(handle))
