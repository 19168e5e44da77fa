"""`policies/tax_codes.yaml`: the sales tax codes of each legal entity and their treatment."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict

from contracts.billing import TaxTreatment


class TaxCodePolicy(BaseModel):
    """Per legal entity, each tax code and the billing tax treatment it implies."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    legal_entities: dict[str, dict[str, TaxTreatment]]

    def refusal(self, legal_entity: str, code: str, treatment: TaxTreatment) -> str | None:
        """Why `code` cannot be used for `treatment` in `legal_entity`; None when it can."""
        codes = self.legal_entities.get(legal_entity, {})
        if code not in codes:
            known = ", ".join(sorted(codes)) or "none"
            return f"{code} is not a tax code of {legal_entity} (known: {known})."
        if codes[code] is not treatment:
            return f"{code} means {codes[code].value} tax, but the deal says {treatment.value}."
        return None


def load_tax_codes(policy_dir: Path) -> TaxCodePolicy:
    """Read and validate `tax_codes.yaml`."""
    with (policy_dir / "tax_codes.yaml").open(encoding="utf-8") as handle:
        return TaxCodePolicy.model_validate(yaml.safe_load(handle))
