"""The Xero connector against the sandbox over real HTTP: every request and response it
exchanges conforms to Xero's own OpenAPI document; keyed writes never duplicate; a hung
Xero costs one timeout and no pooled connection."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import httpx
import pytest

from contracts.erp import (
    CustomerUpsert,
    InvoiceCreate,
    JournalEntryCreate,
    ProjectDimensionUpsert,
)
from contracts.registry import RuntimeContext
from system_apis._kit.caller import FIRM
from system_apis._kit.errors import VendorTimeoutError
from system_apis._kit.http import create_vendor_client
from system_apis.erp.settings import ErpSettings
from system_apis.erp.v1.runtime import build_service
from system_apis.erp.v1.service import ErpService
from tests.fixtures.sandboxes import RunningSandbox, SandboxServers
from tests.fixtures.vendor_specs import validate_exchange

POLICIES = Path(__file__).parents[3] / "policies"


class RecordingTransport(httpx.AsyncBaseTransport):
    """Passes requests on and keeps every (request, response) pair, bodies read."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.exchanges: list[tuple[httpx.Request, httpx.Response]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        body = await response.aread()
        copy = httpx.Response(
            response.status_code, headers=response.headers, content=body, request=request
        )
        self.exchanges.append((request, copy))
        return copy

    async def aclose(self) -> None:
        await self.inner.aclose()


@dataclass
class Direct:
    service: ErpService
    transport: RecordingTransport
    xero: RunningSandbox
    pool: httpx.AsyncHTTPTransport = field(repr=False)


@pytest.fixture
async def direct(sandbox_server: SandboxServers, tmp_path: Path) -> AsyncIterator[Direct]:
    xero = sandbox_server("xero")
    settings = ErpSettings(base_url=xero.url, timeout_s=0.5, retry_max_delay_s=0.05)
    pool = httpx.AsyncHTTPTransport(limits=httpx.Limits(max_connections=2))
    transport = RecordingTransport(pool)
    client = create_vendor_client(
        base_url=xero.url,
        headers={"Authorization": f"Bearer {settings.access_token.get_secret_value()}"},
        timeout=httpx.Timeout(settings.timeout_s, connect=1.0, pool=1.0),
        transport=transport,
    )
    ctx = RuntimeContext(environ={}, redis_url=None, policy_dir=POLICIES, data_dir=tmp_path)
    async with client:
        yield Direct(build_service(settings, ctx, client), transport, xero, pool)


async def exercise_every_operation(erp: ErpService) -> None:
    """One call of every connector method the service uses."""
    await erp.list_legal_entities(None, 50)
    await erp.list_customers("GB01", FIRM, changed_since=None, cursor=None, limit=5)
    await erp.get_customer("GB01", "C0019", FIRM)
    await erp.upsert_customer("GB01", "C0950", CustomerUpsert(name="Spec Check Ltd"), FIRM, None)
    await erp.list_cost_centres("GB01", None, None, 50)
    await erp.upsert_project_dimension(
        "GB01", "PRJ-0950", ProjectDimensionUpsert(name="Spec"), None
    )
    page = await erp.list_invoices(
        "GB01", FIRM, filters={"period": "2026-09"}, cursor=None, limit=5
    )
    await erp.get_invoice("GB01", page.items[0].id, FIRM)
    draft = await erp.create_invoice("GB01", invoice(), FIRM, None)
    await erp.authorise_invoice("GB01", draft.id, FIRM, None)
    await erp.void_invoice("GB01", draft.id, FIRM, None)
    posted = await erp.post_journal("GB01", journal(), None)
    await erp.list_journals("GB01", "2026-10", None, 5)
    await erp.get_journal("GB01", posted.id)


def invoice(reference: str = "spec") -> InvoiceCreate:
    return InvoiceCreate.model_validate(
        {
            "customer_number": "C0019",
            "reference": reference,
            "issue_date": "2026-10-01",
            "due_date": "2026-10-31",
            "lines": [
                {
                    "description": "Build",
                    "quantity": "2",
                    "unit_price": "150",
                    "dimensions": {"cost_centre": "CC-GB01-CON", "project": "PRJ-0029"},
                }
            ],
        }
    )


def journal() -> JournalEntryCreate:
    return JournalEntryCreate.model_validate(
        {
            "date": "2026-10-15",
            "narration": "Spec check",
            "lines": [
                {
                    "account_code": "477",
                    "side": "debit",
                    "amount": "10.00",
                    "dimensions": {"cost_centre": "CC-GB01-CON"},
                },
                {"account_code": "478", "side": "credit", "amount": "10.00"},
            ],
        }
    )


async def test_requests_and_responses_match_xeros_spec(
    direct: Direct, vendor_spec: Callable[[str], object]
) -> None:
    spec = vendor_spec("xero")
    await exercise_every_operation(direct.service)
    accounting = [(q, r) for q, r in direct.transport.exchanges if "/api.xro/2.0/" in q.url.path]
    operations = {(q.method, q.url.path.split("/")[3]) for q, _ in accounting}
    assert {
        ("GET", "Contacts"),
        ("POST", "Contacts"),
        ("PUT", "Invoices"),
        ("POST", "Invoices"),
        ("PUT", "ManualJournals"),
        ("PUT", "TrackingCategories"),
        ("GET", "Organisation"),
    } <= operations
    answered = [(q, r) for q, r in accounting if r.status_code == 200]
    assert len(answered) >= len(accounting) - 1  # the one 404: looking up C0950 before creating it
    for request, response in accounting:
        # Xero's document describes 200s (and some 400s) only: check every request, 200 bodies.
        validate_exchange(spec, request, response if response.status_code == 200 else None)  # type: ignore[arg-type]


async def test_a_retried_keyed_write_creates_one_xero_invoice(direct: Direct) -> None:
    first = await direct.service.create_invoice(
        "GB01", invoice("keyed"), FIRM, "flow-run-7:invoice"
    )
    again = await direct.service.create_invoice(
        "GB01", invoice("keyed"), FIRM, "flow-run-7:invoice"
    )
    assert first.id == again.id
    keyed = [d for d in direct.xero.store.all("invoices") if d.get("Reference") == "keyed"]
    assert len(keyed) == 1
    sent = [
        q.headers.get("idempotency-key") for q, _ in direct.transport.exchanges if q.method == "PUT"
    ]
    assert sent[0] == sent[1]
    assert sent[0] is not None
    assert "flow-run-7" not in sent[0]


async def test_hung_xero_times_out_without_leaking_pooled_connections(direct: Direct) -> None:
    await direct.service.list_legal_entities(None, 50)  # warm the tenant cache
    direct.xero.set_faults(hang_next=3, hang_s=5)
    for _ in range(3):  # more hangs than the pool has connections
        started = time.monotonic()
        with pytest.raises(VendorTimeoutError):
            await direct.service.get_customer("GB01", "C0019", FIRM)
        assert time.monotonic() - started < 2.0
    direct.xero.clear_faults()
    customer = await direct.service.get_customer("GB01", "C0019", FIRM)
    assert customer.customer_number == "C0019"


async def test_periods_default_to_the_year_of_the_first_open_day(direct: Direct) -> None:
    page = await direct.service.list_periods(
        "US01", fiscal_year=None, status=None, cursor=None, limit=50
    )
    assert page.items[0].start_date == date(2026, 1, 1)
