"""Every request the Stripe connector sends (and each answer) checked against Stripe's spec3."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from contracts.billing import CustomerUpsert, InvoiceCreate, InvoiceItemCreate, InvoiceStatus
from contracts.common import Money
from system_apis._kit.caller import Caller
from system_apis._kit.policy_files import load_mapping, load_ownership
from system_apis.billing.mapping import load_billing_mapping
from system_apis.billing.settings import BillingSettings
from system_apis.billing.v1.runtime import build_connector
from system_apis.billing.v1.service import BillingService
from tests.fixtures.sandboxes import SandboxServers
from tests.fixtures.stripe_spec import stripe_spec
from tests.fixtures.vendor_specs import load_document, validate_exchange

POLICY_DIR = Path(__file__).resolve().parents[3] / "policies"
FIRM = Caller(partner_id=None, scopes=frozenset({"billing.balances:read"}))


class RecordingTransport(httpx.AsyncBaseTransport):
    """Passes requests to the real transport and keeps every exchange."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.exchanges: list[tuple[httpx.Request, httpx.Response]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        await response.aread()
        self.exchanges.append((request, response))
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


@pytest.fixture
async def recorded(
    sandbox_server: SandboxServers,
) -> AsyncIterator[tuple[BillingService, RecordingTransport]]:
    load_document("stripe")  # skips (or fails in CI) without the vendor documents
    stripe = sandbox_server("stripe")
    transport = RecordingTransport(httpx.AsyncHTTPTransport())
    rules = load_billing_mapping(load_mapping(POLICY_DIR, "billing"))
    settings = BillingSettings(base_url=stripe.url)
    connector = build_connector(settings, rules.error_pointers, redis_url=None, transport=transport)
    try:
        yield BillingService(connector, rules, load_ownership(POLICY_DIR)), transport
    finally:
        await connector.aclose()


async def test_connector_speaks_stripe_as_its_spec_says(
    recorded: tuple[BillingService, RecordingTransport],
) -> None:
    service, transport = recorded
    await service.list_customers(FIRM, limit=120, cursor=None, email=None)
    await service.get_customer(FIRM, "C0003")
    await service.upsert_customer(
        FIRM, "C0777", CustomerUpsert(name="Northwind"), idempotency_key="k1"
    )
    await service.upsert_customer(
        FIRM, "C0777", CustomerUpsert(name="Northwind", payment_terms_days=14), idempotency_key=None
    )
    amount = Money(amount=Decimal("99.50"), currency="USD")
    body = InvoiceItemCreate(
        customer_number="C0003",
        amount=amount,
        description="Build",
        period={"start": "2026-10-01", "end": "2026-10-31"},
    )
    await service.create_invoice_item(FIRM, body, idempotency_key="k2")
    await service.list_invoice_items(
        FIRM, limit=5, cursor=None, customer_number="C0003", invoice_id=None, pending=True
    )
    draft = await service.create_invoice(
        FIRM, InvoiceCreate(customer_number="C0003", billing_period="2026-10"), idempotency_key=None
    )
    await service.finalize_invoice(FIRM, draft.id, idempotency_key="k3")
    await service.void_invoice(FIRM, draft.id, idempotency_key=None)
    page = await service.list_invoices(
        FIRM, limit=3, cursor=None, customer_number=None, status=InvoiceStatus.PAID
    )
    await service.list_invoices(
        FIRM, limit=3, cursor=page.next_cursor, customer_number=None, status=InvoiceStatus.PAID
    )
    await service.list_invoices(FIRM, limit=3, cursor=None, customer_number="C0003", status=None)
    long = max(page.items, key=lambda i: len(i.lines))
    await service.get_invoice(FIRM, long.id)
    await service.get_invoice_status(FIRM, long.id)

    spec = stripe_spec()
    paths = {(r.method, r.url.path.split("/")[2]) for r, _ in transport.exchanges}
    assert {
        ("GET", "customers"),
        ("POST", "customers"),
        ("GET", "invoiceitems"),
        ("POST", "invoiceitems"),
        ("GET", "invoices"),
        ("POST", "invoices"),
    } <= paths
    assert any(r.url.path.endswith("/lines") for r, _ in transport.exchanges), (
        "long invoices page their lines"
    )
    for request, response in transport.exchanges:
        assert request.headers["authorization"].startswith("Bearer sk_test_")
        if request.method == "POST":
            assert request.headers["idempotency-key"]
        if request.content:
            assert request.headers["content-type"] == "application/x-www-form-urlencoded"
        validate_exchange(spec, request, response)
