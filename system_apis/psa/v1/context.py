"""What every part of the PSA service shares: connector, lookups, policies."""

from __future__ import annotations

from dataclasses import dataclass

from contracts.ownership import OwnershipPolicy
from contracts.problems import NotFoundError
from system_apis._kit.caller import Caller
from system_apis._kit.policy_files import enforce_ownership
from system_apis.psa.connector.api import HarvestConnector
from system_apis.psa.mapping import MappingPolicy
from system_apis.psa.v1.directory import Directory

SYSTEM = "psa"
# Harvest pages we read when we filter on our side (approval state, partner, entity).
FILTERED_PAGE = 500


@dataclass(frozen=True, slots=True)
class PsaContext:
    connector: HarvestConnector
    directory: Directory
    mapping: MappingPolicy
    ownership: OwnershipPolicy

    def enforce(self, obj: str, fields: set[str]) -> None:
        """409 when the caller writes attributes the PSA does not own."""
        enforce_ownership(self.ownership, system=SYSTEM, obj=obj, fields=fields)


def remote_id(value: str) -> str:
    """Our ids are Harvest's numeric ids; anything else cannot exist (404, not a vendor call)."""
    if not value.isdigit() or len(value) > 18:
        raise NotFoundError("The resource does not exist.")
    return value


def hide_from_partners(caller: Caller) -> None:
    """Records no partner owns (staff, rates) are invisible to partner callers."""
    if caller.partner_id is not None:
        raise NotFoundError("The resource does not exist.")
