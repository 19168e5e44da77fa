"""Currency conversion for dashboards, from `policies/fx_rates.yaml` (finance's reference rates).

Rates are units of each currency per one unit of the table's base, so converting `amount`
from A to B is `amount · rate[B] ÷ rate[A]`, in Decimal, rounded half-up to the cent at the
end. A currency the table lacks cannot be converted: the converted value is null.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from gateway.policy.files import PolicyFileError, read_policy_yaml

POLICY_FILE = "fx_rates.yaml"
CENT = Decimal("0.01")
RATE_PLACES = Decimal("0.000001")


class FxRates(BaseModel):
    """A table of reference rates against one base currency."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    as_of: date | None = None
    base: str = Field(default="EUR", pattern=r"^[A-Z]{3}$")
    rates: dict[str, Decimal] = Field(default_factory=dict)

    def source(self) -> str:
        """How the dashboards name the table they converted with."""
        when = self.as_of.isoformat() if self.as_of else "undated"
        return f"policies/{POLICY_FILE} ({self.base} reference rates as of {when})"

    def rate(self, source: str, target: str) -> Decimal | None:
        """Units of `target` per unit of `source`; None when either is unknown."""
        if source == target:
            return Decimal(1)
        have, want = self.rates.get(source), self.rates.get(target)
        if not have or want is None:
            return None
        return (want / have).quantize(RATE_PLACES, ROUND_HALF_UP)

    def convert(self, amount: Decimal, source: str, target: str) -> Decimal | None:
        rate = self.rate(source, target)
        return None if rate is None else (amount * rate).quantize(CENT, ROUND_HALF_UP)


def load_fx_rates(policy_dir: Path) -> FxRates:
    """Read `<policy_dir>/fx_rates.yaml`; no file means no conversions (an empty table)."""
    path = policy_dir / POLICY_FILE
    if not path.exists():
        return FxRates()
    try:
        return FxRates.model_validate(read_policy_yaml(path))
    except ValidationError as exc:
        raise PolicyFileError(f"{path}: {exc}") from exc
