"""Value types every record shares: money and provenance."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import strawberry

from contracts import common


@strawberry.type(
    description="An amount in one ISO 4217 currency (a decimal string, never a float)."
)
class Money:
    amount: Decimal
    currency: str

    @classmethod
    def of(cls, money: common.Money) -> Money:
        return cls(amount=money.amount, currency=money.currency)

    @classmethod
    def maybe(cls, money: common.Money | None) -> Money | None:
        return None if money is None else cls.of(money)


@strawberry.type(description="Where a record came from: its system of record and version there.")
class Provenance:
    system: str = strawberry.field(description="The vendor system, e.g. 'harvest'.")
    remote_id: str
    version: str | None
    modified_at: datetime | None

    @classmethod
    def of(cls, provenance: common.Provenance) -> Provenance:
        return cls(
            system=provenance.system,
            remote_id=provenance.remote_id,
            version=provenance.version,
            modified_at=provenance.modified_at,
        )
