"""System-of-record ownership: which system owns each object and attribute."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class ObjectOwnership(BaseModel):
    """The owner of an object, and of those attributes another system owns instead."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    owner: str
    attributes: dict[str, str] = Field(default_factory=dict)

    def owner_of(self, attribute: str) -> str:
        return self.attributes.get(attribute, self.owner)


class OwnershipPolicy(BaseModel):
    """`policies/ownership.yaml`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    objects: dict[str, ObjectOwnership]

    def foreign_attributes(self, system: str, obj: str, fields: set[str]) -> dict[str, str]:
        """The attributes among `fields` that `system` does not own, with their owners."""
        ownership = self.objects.get(obj)
        if ownership is None:
            return {}
        return {f: ownership.owner_of(f) for f in sorted(fields) if ownership.owner_of(f) != system}
