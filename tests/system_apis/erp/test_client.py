"""The typed v1 client: contract models from the real API (Xero sandbox), problems as errors."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import httpx
import pytest

from contracts.erp import (
    CustomerUpsert,
    Dimensions,
    DimensionStatus,
    InvoiceCreate,
    InvoiceLineCreate,
    InvoiceStatus,
    JournalEntryCreate,
    JournalLineCreate,
    JournalSide,
    JournalStatus,
    PeriodStatus,
    ProjectDimensionUpsert,
)
from system_apis.erp.v1.client import ErpApiError, ErpClient
from tests.system_apis.erp.conftest import BASE, Erp

pytestmark = pytest.mark.asyncio(loop_scope="module")

GB = "GB01"
CENTRE = "CC-GB01-CON"


@pytest.fixture
async def client(erp: Erp) -> AsyncIterator[ErpClient]:
    """A client whose requests go through the gateway (auth, policies) to the real API."""

    async def through_gateway(request: httpx.Request) -> httpx.Response:
        return await erp.client.send(request)

    http = httpx.AsyncClient(
        transport=httpx.MockTransport(through_gateway),
        base_url=f"http://gateway.test{BASE}/",
        headers={"Authorization": erp.client.headers["Authorization"]},
    )
    async with http:
        yield ErpClient(http)


@asynccontextmanager
async def mocked(answer: Callable[[httpx.Request], httpx.Response]) -> AsyncIterator[ErpClient]:
    """A client over a mock transport that answers every request with `answer`."""
    transport = httpx.MockTransport(answer)
    async with httpx.AsyncClient(transport=transport, base_url=f"http://erp.test{BASE}/") as http:
        yield ErpClient(http)


def journal(day: date, credit: str = "300.00") -> JournalEntryCreate:
    return JournalEntryCreate(
        date=day,
        narration="Client test accrual",
        lines=[
            JournalLineCreate(
                account_code="477",
                side=JournalSide.DEBIT,
                amount=Decimal("300.00"),
                dimensions=Dimensions(cost_centre=CENTRE),
            ),
            JournalLineCreate(account_code="478", side=JournalSide.CREDIT, amount=Decimal(credit)),
        ],
    )


async def test_client_reads_entities_and_periods(client: ErpClient) -> None:
    first = await client.list_legal_entities(limit=2)
    assert len(first.items) == 2
    assert first.next_cursor is not None
    rest = await client.list_legal_entities(cursor=first.next_cursor)
    codes = [e.code for e in [*first.items, *rest.items]]
    assert codes == ["GB01", "NL01", "US01"]
    entity = await client.get_legal_entity(GB)
    assert entity.base_currency == "GBP"
    assert entity.lock_date == date(2026, 8, 31)
    periods = await client.list_accounting_periods(
        GB, fiscal_year=2026, status=PeriodStatus.OPEN, limit=12
    )
    assert [p.period for p in periods.items] == ["2026-09", "2026-10", "2026-11", "2026-12"]
    assert {p.fiscal_year for p in periods.items} == {2026}


async def test_client_upserts_and_reads_customers(client: ErpClient) -> None:
    before = datetime.now(UTC) - timedelta(seconds=1)
    created = await client.upsert_customer(
        GB, "C0950", CustomerUpsert(name="Client Test Ltd", currency="GBP"), idempotency_key="c1"
    )
    renamed = await client.upsert_customer(GB, "C0950", CustomerUpsert(name="Client Test plc"))
    assert renamed.provenance.remote_id == created.provenance.remote_id
    assert renamed.currency == "GBP"  # omitted on the update, so left as it was
    assert (await client.get_customer(GB, "C0950")).name == "Client Test plc"
    page = await client.list_customers(GB, limit=3)
    assert len(page.items) == 3
    assert page.next_cursor is not None
    recent = await client.list_customers(GB, changed_since=before, limit=200)
    assert "C0950" in {c.customer_number for c in recent.items}
    assert page.items[0].customer_number not in {c.customer_number for c in recent.items}


async def test_client_reads_and_upserts_dimensions(client: ErpClient) -> None:
    categories = await client.list_tracking_categories(GB)
    assert {c.role for c in categories.items} == {"cost_centre", "project"}
    centres = await client.list_cost_centres(GB, status=DimensionStatus.ACTIVE, limit=200)
    assert CENTRE in {c.code for c in centres.items}
    assert {c.status for c in centres.items} == {DimensionStatus.ACTIVE}
    made = await client.upsert_project_dimension(
        GB, "PRJ-0950", ProjectDimensionUpsert(name="Client Build"), idempotency_key="p1"
    )
    assert made.project_code == "PRJ-0950"
    assert await client.get_project_dimension(GB, "PRJ-0950") == made
    projects = await client.list_project_dimensions(GB, status=DimensionStatus.ACTIVE, limit=200)
    assert "PRJ-0950" in {p.project_code for p in projects.items}


async def test_client_walks_the_invoice_lifecycle(client: ErpClient) -> None:
    await client.upsert_project_dimension(GB, "PRJ-0951", ProjectDimensionUpsert(name="Billed"))
    body = InvoiceCreate(
        customer_number="C0019",
        reference="client test",
        issue_date=date(2026, 10, 2),
        due_date=date(2026, 11, 1),
        lines=[
            InvoiceLineCreate(
                description="Build, September 2026",
                quantity=Decimal("10"),
                unit_price=Decimal("150.00"),
                dimensions=Dimensions(cost_centre=CENTRE, project="PRJ-0951"),
            )
        ],
    )
    draft = await client.create_invoice(GB, body, idempotency_key="client-invoice-1")
    replay = await client.create_invoice(GB, body, idempotency_key="client-invoice-1")
    assert replay.id == draft.id
    assert draft.status is InvoiceStatus.DRAFT
    assert draft.lines[0].dimensions.project == "PRJ-0951"
    assert await client.get_invoice(GB, draft.id) == draft
    drafts = await client.list_invoices(
        GB, status=InvoiceStatus.DRAFT, period="2026-10", customer_number="C0019", limit=200
    )
    assert draft.id in {i.id for i in drafts.items}
    assert {(i.status, i.customer_number) for i in drafts.items} == {(InvoiceStatus.DRAFT, "C0019")}
    authorised = await client.authorise_invoice(GB, draft.id, idempotency_key="client-auth-1")
    assert authorised.status is InvoiceStatus.AUTHORISED
    voided = await client.void_invoice(GB, draft.id, idempotency_key="client-void-1")
    assert voided.status is InvoiceStatus.VOIDED
    changed = await client.list_invoices(GB, changed_since=datetime(2999, 1, 1, tzinfo=UTC))
    assert changed.items == []


async def test_client_posts_and_reads_journal_entries(client: ErpClient) -> None:
    posted = await client.post_journal_entry(GB, journal(date(2026, 11, 3)), idempotency_key="j1")
    assert posted.status is JournalStatus.POSTED
    assert [(line.side, line.amount.amount) for line in posted.lines] == [
        (JournalSide.DEBIT, Decimal("300.00")),
        (JournalSide.CREDIT, Decimal("300.00")),
    ]
    listed = await client.list_journal_entries(GB, period="2026-11", limit=50)
    assert [j.id for j in listed.items] == [posted.id]
    assert await client.get_journal_entry(GB, posted.id) == posted


async def test_client_raises_the_problems_of_the_real_api(client: ErpClient) -> None:
    with pytest.raises(ErpApiError) as missing:
        await client.get_legal_entity("XX99")
    assert missing.value.problem.status == 404
    with pytest.raises(ErpApiError) as closed:
        await client.post_journal_entry(GB, journal(date(2026, 8, 31)))
    assert closed.value.problem.status == 409
    assert closed.value.problem.type.endswith("/period-closed")
    with pytest.raises(ErpApiError) as unbalanced:
        await client.post_journal_entry(GB, journal(date(2026, 11, 4), credit="299.00"))
    assert unbalanced.value.problem.status == 422
    assert unbalanced.value.problem.errors
    assert unbalanced.value.problem.errors[0].pointer == "#/lines"


async def test_a_problem_response_becomes_erp_api_error_with_its_fields() -> None:
    problem = {
        "type": "https://atrium.example/problems/period-closed",
        "title": "Period closed",
        "status": 409,
        "detail": "2026-08 is closed.",
        "instance": "req-1",
        "errors": [{"detail": "closed", "pointer": "#/date"}],
        "lock_date": "2026-08-31",
    }

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            409, json=problem, headers={"Content-Type": "application/problem+json"}
        )

    async with mocked(answer) as client:
        with pytest.raises(ErpApiError) as caught:
            await client.authorise_invoice(GB, "00000000-0000-0000-0000-000000000001")
    assert caught.value.problem.model_dump(exclude_none=True) == problem
    assert str(caught.value) == "409 Period closed: 2026-08 is closed."


async def test_an_error_without_a_problem_document_is_still_erp_api_error() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(502, text="<html>Bad Gateway</html>")

    async with mocked(answer) as client:
        with pytest.raises(ErpApiError) as caught:
            await client.list_legal_entities()
    assert caught.value.problem.status == 502
    assert caught.value.problem.title == "Bad Gateway"
    assert "Bad Gateway" in caught.value.problem.detail


async def test_requests_carry_the_key_the_set_fields_and_escaped_segments() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(418, json={"unexpected": True})

    async with mocked(answer) as client:
        with pytest.raises(ErpApiError):
            await client.upsert_customer(GB, "C/1", CustomerUpsert(name="N"), idempotency_key="k-1")
        with pytest.raises(ErpApiError):
            await client.list_invoices(
                GB, status=InvoiceStatus.PAID, changed_since=datetime(2026, 9, 1, tzinfo=UTC)
            )
    upsert, listing = seen
    assert upsert.method == "PUT"
    assert upsert.url.raw_path == f"{BASE}/legal-entities/GB01/customers/C%2F1".encode()
    assert upsert.headers["Idempotency-Key"] == "k-1"
    assert json.loads(upsert.content) == {"name": "N"}
    assert dict(listing.url.params) == {
        "status": "paid",
        "changed_since": "2026-09-01T00:00:00+00:00",
    }
    assert "Idempotency-Key" not in listing.headers
