"""Golden-file tests of the Stripe ↔ canonical mapping: every branch, pure functions only.

Each case turns a Stripe payload (or canonical request) into JSON; the result must equal
`golden/<case>.json`. Regenerate deliberately with ATRIUM_UPDATE_GOLDEN=1 and review the diff.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from contracts.billing import CustomerUpsert, InvoiceCreate, InvoiceItemCreate, InvoiceStatus
from contracts.common import Money
from contracts.problems import ProblemError
from system_apis._kit.errors import SchemaDriftError
from system_apis._kit.policy_files import load_mapping
from system_apis.billing import mapping
from system_apis.billing.connector.models import StripeCustomer, StripeInvoice, StripeInvoiceItem
from system_apis.billing.mapping import BillingMapping, load_billing_mapping

GOLDEN = Path(__file__).parent / "golden"
POLICY_DIR = Path(__file__).resolve().parents[3] / "policies"
RULES = load_billing_mapping(load_mapping(POLICY_DIR, "billing"))
CHARGE = RULES.model_copy(
    update={
        "invoice_defaults": RULES.invoice_defaults.model_copy(
            update={"collection_method": "charge_automatically"}
        )
    }
)
FIRM_SCOPES: frozenset[str] = frozenset()
ALL_SCOPES = frozenset({"billing.balances:read"})


def stripe_customer(**changes: Any) -> StripeCustomer:
    base: dict[str, Any] = {
        "id": "cus_OhjTGrf6Qw2vXa",
        "object": "customer",
        "created": 1790000000,
        "name": "Harborview Insurance Inc.",
        "email": "accounts@harborview.example",
        "currency": "usd",
        "balance": -2500,
        "tax_exempt": "reverse",
        "metadata": {
            "customer_number": "C0003",
            "legal_entity": "US01",
            "payment_terms_days": "45",
        },
        "livemode": False,
        "unknown_future_field": {"tolerated": True},
    }
    return StripeCustomer.model_validate({**base, **changes})


def stripe_item(**changes: Any) -> StripeInvoiceItem:
    base: dict[str, Any] = {
        "id": "ii_1NzQ7cK3stA1b2C3",
        "object": "invoiceitem",
        "amount": 123450,
        "currency": "gbp",
        "customer": "cus_OhjTGrf6Qw2vXa",
        "date": 1790000000,
        "description": "Build - 10.5 h",
        "invoice": "in_1NzQ8dK3stB4c5D6",
        "period": {"start": 1788220800, "end": 1790812800},
        "quantity": 1,
        "metadata": {
            "customer_number": "C0003",
            "project_code": "PRJ-0007",
            "quantity": "10.5",
            "unit_price": "117.57",
        },
    }
    return StripeInvoiceItem.model_validate({**base, **changes})


def stripe_invoice(**changes: Any) -> StripeInvoice:
    line = {
        "id": "il_tmi_1NzQ7cK3stA1b2C3",
        "object": "line_item",
        "amount": 123450,
        "currency": "gbp",
        "description": "Build - 10.5 h",
        "invoice_item": "ii_1NzQ7cK3stA1b2C3",
        "period": {"start": 1788220800, "end": 1790812800},
        "metadata": {"project_code": "PRJ-0007"},
    }
    base: dict[str, Any] = {
        "id": "in_1NzQ8dK3stB4c5D6",
        "object": "invoice",
        "customer": "cus_OhjTGrf6Qw2vXa",
        "status": "open",
        "currency": "gbp",
        "number": "C04F64C3-0005",
        "description": "PRJ-0007 2026-09",
        "subtotal": 123450,
        "total": 123450,
        "amount_due": 123450,
        "amount_paid": 0,
        "amount_remaining": 123450,
        "due_date": 1793404800,
        "created": 1790812800,
        "status_transitions": {"finalized_at": 1790899200, "paid_at": None, "voided_at": None},
        "lines": {
            "object": "list",
            "data": [line],
            "has_more": True,
            "url": "/v1/invoices/in_1NzQ8dK3stB4c5D6/lines",
        },
        "metadata": {
            "customer_number": "C0003",
            "project_code": "PRJ-0007",
            "billing_period": "2026-09",
        },
    }
    return StripeInvoice.model_validate({**base, **changes})


def dump(value: Any) -> Any:
    """JSON-able form of a mapping result."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    return value


def raised(fn: Callable[[], Any]) -> dict[str, Any]:
    """The error a call raises, as JSON (the case fails if nothing is raised)."""
    try:
        fn()
    except ProblemError as exc:
        return {
            "problem": exc.problem_type.code,
            "errors": [e.model_dump(exclude_none=True) for e in exc.errors or []],
        }
    except SchemaDriftError as exc:
        return {"drift": exc.model, "missing": exc.missing}
    raise AssertionError("expected an error")


NUMBERS = {"cus_OhjTGrf6Qw2vXa": "C0003-from-lookup"}
BARE = {"metadata": None}

CASES: dict[str, Callable[[], Any]] = {
    # customers
    "customer_full_with_balance_scope": lambda: mapping.to_canonical_customer(
        stripe_customer(), RULES, scopes=ALL_SCOPES
    ),
    "customer_balance_hidden_without_scope": lambda: mapping.to_canonical_customer(
        stripe_customer(), RULES, scopes=FIRM_SCOPES
    ),
    "customer_never_billed_outside_atrium": lambda: mapping.to_canonical_customer(
        stripe_customer(
            currency=None,
            tax_exempt=None,
            metadata={"payment_terms_days": "net 30"},
            name=None,
            email=None,
        ),
        RULES,
        scopes=ALL_SCOPES,
    ),
    "customer_upsert_full": lambda: mapping.from_canonical_customer(
        "C0003",
        CustomerUpsert(
            name="Harborview",
            email="ap@harborview.example",
            legal_entity="US01",
            payment_terms_days=45,
            tax_treatment="exempt",
        ),
        RULES,
    ),
    "customer_upsert_clears_optional_fields": lambda: mapping.from_canonical_customer(
        "C0003", CustomerUpsert(name="Harborview"), RULES
    ),
    "customer_search_query": lambda: mapping.customer_search_query("C0003", RULES),
    # invoice items
    "invoice_item_with_metadata": lambda: mapping.to_canonical_invoice_item(
        stripe_item(), RULES, customer_numbers={}
    ),
    "invoice_item_made_in_stripe_dashboard": lambda: mapping.to_canonical_invoice_item(
        stripe_item(invoice=None, period={"start": 1790000000, "end": 1789000000}, **BARE),
        RULES,
        customer_numbers=NUMBERS,
    ),
    "invoice_item_bad_metadata_numbers": lambda: mapping.to_canonical_invoice_item(
        stripe_item(metadata={"quantity": "ten", "unit_price": "n/a"}), RULES, customer_numbers={}
    ),
    "invoice_item_yen_zero_decimals": lambda: mapping.to_canonical_invoice_item(
        stripe_item(amount=15000, currency="jpy", metadata={}), RULES, customer_numbers={}
    ),
    "invoice_item_create_full": lambda: mapping.from_canonical_invoice_item(
        InvoiceItemCreate(
            customer_number="C0003",
            amount=Money(amount=Decimal("1234.50"), currency="GBP"),
            description="Build - 10.5 h",
            invoice_id="in_1NzQ8dK3stB4c5D6",
            quantity=Decimal("10.5"),
            unit_price=Money(amount=Decimal("117.57"), currency="GBP"),
            period={"start": "2026-09-01", "end": "2026-09-30"},
            project_code="PRJ-0007",
        ),
        RULES,
        customer_id="cus_OhjTGrf6Qw2vXa",
    ),
    "invoice_item_create_minimal_kwd_three_decimals": lambda: mapping.from_canonical_invoice_item(
        InvoiceItemCreate(
            customer_number="C0003",
            amount=Money(amount=Decimal("12.345"), currency="KWD"),
            description="Fee",
        ),
        RULES,
        customer_id="cus_OhjTGrf6Qw2vXa",
    ),
    "invoice_item_create_refuses_sub_cent_amount": lambda: raised(
        lambda: mapping.from_canonical_invoice_item(
            InvoiceItemCreate(
                customer_number="C0003",
                amount=Money(amount=Decimal("10.005"), currency="USD"),
                description="Fee",
            ),
            RULES,
            customer_id="cus_OhjTGrf6Qw2vXa",
        )
    ),
    # invoices
    "invoice_open_with_more_lines": lambda: mapping.to_canonical_invoice(
        stripe_invoice(), RULES, customer_numbers={}
    ),
    "invoice_paid_made_in_stripe": lambda: mapping.to_canonical_invoice(
        stripe_invoice(
            status="paid",
            due_date=None,
            amount_paid=123450,
            amount_remaining=0,
            status_transitions={"finalized_at": 1790899200, "paid_at": 1791000000},
            **BARE,
        ),
        RULES,
        customer_numbers=NUMBERS,
    ),
    "invoice_unknown_status_is_drift": lambda: raised(
        lambda: mapping.to_canonical_invoice(
            stripe_invoice(status="in_review"), RULES, customer_numbers={}
        )
    ),
    "invoice_status_view": lambda: mapping.to_status_view(
        mapping.to_canonical_invoice(stripe_invoice(), RULES, customer_numbers={})
    ),
    "invoice_create_terms_from_request": lambda: mapping.from_canonical_invoice(
        InvoiceCreate(
            customer_number="C0003",
            currency="GBP",
            description="September",
            days_until_due=14,
            include_pending_items=False,
            project_code="PRJ-0007",
            billing_period="2026-09",
        ),
        RULES,
        customer=stripe_customer(),
    ),
    "invoice_create_terms_from_customer": lambda: mapping.from_canonical_invoice(
        InvoiceCreate(customer_number="C0003"), RULES, customer=stripe_customer()
    ),
    "invoice_create_default_terms": lambda: mapping.from_canonical_invoice(
        InvoiceCreate(customer_number="C0003"), RULES, customer=stripe_customer(metadata={})
    ),
    "invoice_create_charge_automatically": lambda: mapping.from_canonical_invoice(
        InvoiceCreate(customer_number="C0003"), CHARGE, customer=stripe_customer()
    ),
    # policy lookups
    "pointers_for_paths": lambda: {
        path: RULES.pointers_for(path)
        for path in ("/v1/invoiceitems", "/v1/invoices/in_1/finalize", "/v1/charges")
    },
    "sensitive_field_visibility": lambda: {
        "balance_without_scope": RULES.may_see("customer.balance", FIRM_SCOPES),
        "balance_with_scope": RULES.may_see("customer.balance", ALL_SCOPES),
        "not_sensitive": RULES.may_see("customer.name", FIRM_SCOPES),
    },
    "status_round_trip": lambda: {
        s.value: mapping.to_canonical_status(s.value, RULES) for s in InvoiceStatus
    },
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_mapping_matches_golden_file(case: str) -> None:
    result = json.loads(json.dumps(dump(CASES[case]()), default=str))
    path = GOLDEN / f"{case}.json"
    if os.environ.get("ATRIUM_UPDATE_GOLDEN") == "1":
        path.write_text(json.dumps(result, indent=2, sort_keys=True) + "\n")
    assert result == json.loads(path.read_text())


def test_every_golden_file_has_a_case() -> None:
    assert {p.stem for p in GOLDEN.glob("*.json")} == set(CASES)


def test_money_round_trips_through_minor_units() -> None:
    for currency, amount in (("USD", "1234.56"), ("JPY", "1500"), ("KWD", "1.234")):
        money = Money(amount=Decimal(amount), currency=currency)
        minor = mapping.to_minor_units(money, RULES, pointer="#/amount")
        assert mapping.to_money(minor, currency.lower(), RULES) == money


def test_policy_file_rejects_unknown_keys() -> None:
    raw = load_mapping(POLICY_DIR, "billing")
    with pytest.raises(ValueError, match="extra"):
        load_billing_mapping({**raw, "surprise": 1})
    assert isinstance(load_billing_mapping(raw), BillingMapping)
