"""The typed v1 client against the real billing API (gateway in-process, Stripe on loopback)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal

import httpx
import pytest

from contracts.billing import CustomerUpsert, InvoiceCreate, InvoiceItemCreate, InvoiceStatus
from contracts.common import Money
from system_apis.billing.v1.client import BillingApiError, BillingClient
from tests.system_apis.billing.conftest import BASE, Billing


@pytest.fixture
async def client(billing: Billing) -> AsyncIterator[BillingClient]:
    token = await billing.token()

    async def through_gateway(request: httpx.Request) -> httpx.Response:
        return await billing.gateway.http.send(request)

    http = httpx.AsyncClient(
        transport=httpx.MockTransport(through_gateway),
        base_url=f"http://gateway.test{BASE}",
        headers={"Authorization": f"Bearer {token}"},
    )
    async with http:
        yield BillingClient(http)


async def test_client_walks_the_invoice_workflow(client: BillingClient) -> None:
    customer = await client.upsert_customer("C0555", CustomerUpsert(name="Client Test Ltd"))
    assert customer.customer_number == "C0555"
    assert (await client.get_customer("C0555")).name == "Client Test Ltd"
    page = await client.list_customers(limit=2)
    assert len(page.items) == 2
    assert page.next_cursor
    item = await client.create_invoice_item(
        InvoiceItemCreate(
            customer_number="C0003",
            amount=Money(amount=Decimal("80.00"), currency="USD"),
            description="Review",
        ),
        idempotency_key="client-item-1",
    )
    pending = await client.list_invoice_items(customer_number="C0003", pending=True)
    assert [i.id for i in pending.items] == [item.id]
    draft = await client.create_invoice(
        InvoiceCreate(customer_number="C0003"), idempotency_key="client-inv-1"
    )
    assert draft.total.amount == Decimal("80.00")
    assert (await client.list_invoice_items(invoice_id=draft.id)).items[0].id == item.id
    opened = await client.finalize_invoice(draft.id, idempotency_key="client-fin-1")
    assert opened.status is InvoiceStatus.OPEN
    assert (await client.get_invoice(draft.id)).invoice_number == opened.invoice_number
    assert (await client.get_invoice_status(draft.id)).status is InvoiceStatus.OPEN
    voided = await client.void_invoice(draft.id)
    assert voided.status is InvoiceStatus.VOID
    theirs = await client.list_invoices(customer_number="C0003", status=InvoiceStatus.VOID)
    assert draft.id in [i.id for i in theirs.items]


async def test_client_raises_the_problem(client: BillingClient) -> None:
    with pytest.raises(BillingApiError) as caught:
        await client.get_invoice("in_missing")
    assert caught.value.problem.status == 404
