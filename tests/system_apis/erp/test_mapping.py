"""Golden-file tests for system_apis/erp/mapping.py: every branch, against committed JSON.

Set ATRIUM_UPDATE_GOLDEN=1 to rewrite the golden files after an intended change.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from contracts.erp import (
    CustomerStatus,
    CustomerUpsert,
    Dimensions,
    InvoiceCreate,
    InvoiceStatus,
    JournalEntryCreate,
)
from contracts.problems import ProblemError
from system_apis._kit.policy_files import load_mapping
from system_apis.erp import mapping as m
from tests.system_apis.erp import xero_payloads as x

GOLDEN = Path(__file__).parent / "golden"
POLICY_DIR = Path(__file__).parents[3] / "policies"
MAPPING = m.ErpMapping.from_policy(load_mapping(POLICY_DIR, "erp"))


def dump(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, list | tuple):
        return [dump(v) for v in value]
    if isinstance(value, dict):
        return {str(k): dump(v) for k, v in value.items()}
    if isinstance(value, set | frozenset):
        return sorted(value)
    if isinstance(value, date | Decimal):
        return str(value)
    return value


def raised(fn: Callable[[], Any]) -> dict[str, Any]:
    with pytest.raises(ProblemError) as info:
        fn()
    problem: dict[str, Any] = dump(info.value.to_problem(instance=None))
    return problem


def entity(**changes: Any) -> Any:
    return m.to_canonical_legal_entity(x.organisation(**changes), MAPPING)


def index() -> m.DimensionIndex:
    archived = x.tracking_category("Region", Status="ARCHIVED")
    other = x.tracking_category("Department")
    return m.dimension_index(
        [x.tracking_category(), x.project_category(), archived, other], MAPPING
    )


def invoice_create(**changes: Any) -> InvoiceCreate:
    base: dict[str, Any] = {
        "customer_number": "C0029",
        "issue_date": "2026-10-01",
        "due_date": "2026-10-31",
        "lines": [
            {
                "description": "Build, September 2026",
                "quantity": "12.5",
                "unit_price": "170",
                "dimensions": {"cost_centre": "CC-GB01-CON", "project": "PRJ-0029"},
            },
            {
                "description": "Expenses",
                "quantity": "1",
                "unit_price": "99.99",
                "account_code": "493",
            },
        ],
    }
    return InvoiceCreate.model_validate({**base, **changes})


def journal_create(credit: str = "1200.00") -> JournalEntryCreate:
    return JournalEntryCreate.model_validate(
        {
            "date": "2026-09-30",
            "narration": "Accrue September salaries",
            "lines": [
                {
                    "account_code": "477",
                    "side": "debit",
                    "amount": "1200.00",
                    "description": "Salaries",
                    "dimensions": {"cost_centre": "CC-GB01-CON"},
                },
                {"account_code": "478", "side": "credit", "amount": credit},
            ],
        }
    )


CASES: dict[str, Callable[[], Any]] = {
    "dates": lambda: {
        "ms": m.parse_xero_datetime("/Date(1518685950940+0000)/").isoformat(),
        "ms_negative_offset": m.parse_xero_datetime("/Date(0-0500)/").isoformat(),
        "iso_naive": m.parse_xero_datetime("2026-09-15T00:00:00").isoformat(),
        "iso_aware": m.parse_xero_datetime("2026-09-15T10:00:00+02:00").isoformat(),
        "date": m.parse_xero_date("/Date(1788220800000+0000)/"),
        "optional_missing": m.optional_date(None),
        "optional_empty": m.optional_date(""),
    },
    "legal_entity_by_currency": entity,
    "legal_entity_unmapped_currency_uses_short_code": lambda: entity(BaseCurrency="CHF"),
    "legal_entity_without_short_code_uses_id": lambda: entity(
        BaseCurrency="CHF", ShortCode=None, PeriodLockDate=None, EndOfYearLockDate=None
    ),
    "legal_entity_year_end_lock_only": lambda: entity(PeriodLockDate=None),
    "periods_fiscal_year_2027": lambda: m.accounting_periods(entity(), 2027),
    "periods_calendar_year_without_lock": lambda: m.accounting_periods(
        entity(FinancialYearEndMonth=12, PeriodLockDate=None, EndOfYearLockDate=None), 2026
    ),
    "period_of_a_day": lambda: {
        "open": m.to_canonical_accounting_period(entity(), date(2026, 9, 14)),
        "closed": m.to_canonical_accounting_period(entity(), date(2026, 8, 3)),
        "locked_day": m.is_locked(entity(), date(2026, 8, 31)),
        "unlocked_day": m.is_locked(entity(), date(2026, 9, 1)),
        "fiscal_year_after_year_end": m.fiscal_year_of(entity(), date(2026, 4, 1)),
        "fiscal_year_before_year_end": m.fiscal_year_of(entity(), date(2026, 3, 31)),
    },
    "customer_active": lambda: m.to_canonical_customer(x.contact(), "GB01"),
    "customer_archived_without_email": lambda: m.to_canonical_customer(
        x.contact(ContactStatus="ARCHIVED", EmailAddress="", TaxNumber=None, UpdatedDateUTC=None),
        "GB01",
    ),
    "contact_without_number_is_no_customer": lambda: m.to_canonical_customer(
        x.contact(ContactNumber=None), "GB01"
    ),
    "customer_create_body_minimal": lambda: m.from_canonical_customer(
        "C0100", CustomerUpsert(name="Northwind Ltd"), None
    ),
    "customer_update_body_full": lambda: m.from_canonical_customer(
        "C0019",
        CustomerUpsert(
            name="Driftwood Manufacturing PLC",
            email="ap@driftwood.example",
            tax_number="GB 204 7277 90",
            currency="GBP",
            status=CustomerStatus.ARCHIVED,
        ),
        x.contact(),
    ),
    "customer_changed_fields": lambda: m.changed_customer_fields(
        m.to_canonical_customer(x.contact(), "GB01"),  # type: ignore[arg-type]
        CustomerUpsert(name="Driftwood Manufacturing PLC", currency="GBP"),
    ),
    "option_names": lambda: {
        "patterned": m.split_option_name("CC-GB01-CON - Consulting GB", MAPPING),
        "free_text": m.split_option_name("Legacy", MAPPING),
        "written": m.option_name("PRJ-0100", "A" * 120, MAPPING),
    },
    "tracking_category_with_role": lambda: m.to_canonical_tracking_category(
        x.tracking_category(), "GB01", MAPPING
    ),
    "tracking_category_without_role": lambda: m.to_canonical_tracking_category(
        x.tracking_category("Region", Status="ARCHIVED"), "GB01", MAPPING
    ),
    "cost_centres": lambda: [
        m.to_canonical_cost_centre(o, "GB01", MAPPING) for o in x.tracking_category().Options
    ],
    "project_dimension": lambda: m.to_canonical_project_dimension(
        x.project_category().Options[0], "GB01", MAPPING
    ),
    "dimension_index": lambda: {
        "categories": dict(index().category_names),
        "options": {k: dict(v) for k, v in index().option_names.items()},
    },
    "tracking_for_dimensions": lambda: m.to_tracking(
        Dimensions(cost_centre="CC-GB01-CON", project="PRJ-0029"), index(), "#/lines/0/dimensions"
    ),
    "tracking_unknown_codes": lambda: raised(
        lambda: m.to_tracking(
            Dimensions(cost_centre="Legacy", project="PRJ-9999"), index(), "#/lines/1/dimensions"
        )
    ),
    "invoice": lambda: m.to_canonical_invoice(x.invoice(), "GB01", MAPPING),
    "invoice_draft_without_dates": lambda: m.to_canonical_invoice(
        x.invoice(Status="DRAFT", Date=None, DueDate="", InvoiceNumber="", Reference=""),
        "GB01",
        MAPPING,
    ),
    "invoice_create_body_minimal": lambda: m.from_canonical_invoice(
        invoice_create(), "ca823ffe-7b7b-53c7-9d3b-6d01b30acc98", index(), MAPPING
    ),
    "invoice_create_body_full": lambda: m.from_canonical_invoice(
        invoice_create(invoice_number="INV-GB-2001", reference="PRJ-0029 2026-09", currency="GBP"),
        "ca823ffe-7b7b-53c7-9d3b-6d01b30acc98",
        index(),
        MAPPING,
    ),
    "void_statuses": lambda: {s.value: m.void_status(s) for s in InvoiceStatus},
    "journal": lambda: m.to_canonical_journal_entry(x.manual_journal(), entity(), MAPPING),
    "journal_body": lambda: m.from_canonical_journal(journal_create(), index()),
    "journal_imbalance": lambda: {
        "balanced": m.imbalance(journal_create()),
        "short_credit": m.imbalance(journal_create("1100.00")),
    },
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_mapping_matches_golden_file(case: str) -> None:
    result = dump(CASES[case]())
    path = GOLDEN / f"{case}.json"
    if os.environ.get("ATRIUM_UPDATE_GOLDEN") == "1":
        path.write_text(json.dumps(result, indent=2, sort_keys=True) + "\n")
    assert result == json.loads(path.read_text())


def test_every_golden_file_has_a_case() -> None:
    assert {p.stem for p in GOLDEN.glob("*.json")} == set(CASES)


def test_policy_must_name_both_dimension_roles() -> None:
    policy = load_mapping(POLICY_DIR, "erp")
    with pytest.raises(ValueError, match="tracking_categories"):
        m.ErpMapping.from_policy({**policy, "tracking_categories": {"cost_centre": "Dept"}})


def test_role_of_ignores_case_and_unknown_names() -> None:
    assert MAPPING.role_of("cost centre") == "cost_centre"
    assert MAPPING.role_of("Region") is None
