"""Reference-rate conversion: Decimal all through, rounded to the cent once."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from gateway.graphql.dashboards.fx import FxRates, load_fx_rates
from gateway.policy.files import PolicyFileError
from policies import POLICY_DIR

TABLE = FxRates(
    base="EUR", rates={"EUR": Decimal(1), "USD": Decimal("1.085"), "GBP": Decimal("0.865")}
)


def test_converts_through_the_base_and_rounds_half_up_to_the_cent() -> None:
    assert TABLE.rate("USD", "GBP") == Decimal("0.797235")  # 0.865 / 1.085, six places
    assert TABLE.convert(Decimal("100"), "USD", "GBP") == Decimal("79.72")
    assert TABLE.convert(Decimal("0.005"), "EUR", "EUR") == Decimal("0.01")
    assert TABLE.convert(Decimal("1000"), "EUR", "USD") == Decimal("1085.00")


def test_the_same_currency_needs_no_table_and_an_unknown_one_cannot_convert() -> None:
    assert FxRates().rate("JPY", "JPY") == Decimal(1)
    assert TABLE.rate("JPY", "EUR") is None
    assert TABLE.convert(Decimal(5), "EUR", "JPY") is None


def test_the_committed_table_names_its_source_and_date() -> None:
    rates = load_fx_rates(POLICY_DIR)
    assert rates.as_of == date(2026, 10, 30)
    assert {"EUR", "USD", "GBP"} <= set(rates.rates)
    assert rates.source() == "policies/fx_rates.yaml (EUR reference rates as of 2026-10-30)"


def test_no_file_means_no_conversions_and_a_bad_one_is_refused(tmp_path: Path) -> None:
    assert load_fx_rates(tmp_path) == FxRates()
    (tmp_path / "fx_rates.yaml").write_text("base: EUR\nrates: {USD: lots}\n")
    with pytest.raises(PolicyFileError, match=r"fx_rates\.yaml"):
        load_fx_rates(tmp_path)
