"""The billing service: Stripe connector → mapping → canonical records, with partner isolation."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from contracts.billing import (
    Customer,
    CustomerUpsert,
    Invoice,
    InvoiceCreate,
    InvoiceItem,
    InvoiceItemCreate,
    InvoiceStatus,
    InvoiceStatusView,
)
from contracts.common import Page
from contracts.ownership import OwnershipPolicy
from contracts.problems import ProblemError, ProblemFieldError
from system_apis._kit.caller import Caller
from system_apis._kit.idempotency import derive_key
from system_apis._kit.pagination import decode_cursor, encode_cursor
from system_apis._kit.policy_files import enforce_ownership
from system_apis.billing import mapping
from system_apis.billing.connector.api import StripeConnector
from system_apis.billing.connector.models import (
    StripeCustomer,
    StripeInvoice,
    StripeInvoiceItem,
    StripeList,
)
from system_apis.billing.mapping import BillingMapping

SYSTEM = "billing"
V = TypeVar("V")
Fetch = Callable[[int, str | None], Awaitable[StripeList[V]]]
_EMPTY: Page[Any] = Page(items=[], next_cursor=None)


def _filters_tag(filters: tuple[object, ...]) -> str:
    return hashlib.sha256(repr(filters).encode()).hexdigest()[:12]


async def collect(
    fetch: Fetch[V], *, limit: int, cursor: str | None, filters: tuple[object, ...]
) -> tuple[list[V], str | None]:
    """Fill one of our pages from Stripe's `starting_after`/`has_more` pages.

    A cursor names the list it came from (its filters): Stripe would refuse, as an unknown
    object, a `starting_after` taken from another list.
    """
    position = decode_cursor(cursor)
    after, tag = position.get("after"), _filters_tag(filters)
    if cursor is not None and (not isinstance(after, str) or position.get("list") != tag):
        raise ProblemError("invalid-cursor", "The cursor belongs to another list or filter.")
    items: list[V] = []
    while True:
        page = await fetch(limit - len(items), after)
        items.extend(page.data)
        if not page.has_more or not page.data:
            return items, None
        after = getattr(page.data[-1], "id")  # noqa: B009 - every Stripe object has an id
        if len(items) >= limit:
            return items, encode_cursor({"after": after, "list": tag})


def _unknown_customer(pointer: str) -> ProblemError:
    return ProblemError(
        "validation-failed",
        "No billing customer has that customer number.",
        errors=[ProblemFieldError(detail="unknown customer number", pointer=pointer)],
    )


class BillingService:
    """Customers, invoice items and invoices in Stripe, as canonical records."""

    def __init__(
        self, connector: StripeConnector, rules: BillingMapping, ownership: OwnershipPolicy
    ) -> None:
        self.connector = connector
        self.rules = rules
        self.ownership = ownership

    # --- customers ---------------------------------------------------------------------

    async def find_customer(self, number: str) -> StripeCustomer | None:
        """The Stripe customer holding this customer number, if any."""
        result = await self.connector.search_customers(
            mapping.customer_search_query(number, self.rules), limit=1
        )
        return result.data[0] if result.data else None

    async def _customer_id(self, caller: Caller, number: str, *, pointer: str) -> str:
        """Stripe's id for a customer a write refers to; 404 for another partner's."""
        caller.check_visible(number)
        found = await self.find_customer(number)
        if found is None:
            raise _unknown_customer(pointer)
        return found.id

    def _customer(self, c: StripeCustomer, caller: Caller) -> Customer:
        return mapping.to_canonical_customer(c, self.rules, scopes=caller.scopes)

    async def list_customers(
        self, caller: Caller, *, limit: int, cursor: str | None, email: str | None
    ) -> Page[Customer]:
        if caller.partner_id is not None:
            own = await self.find_customer(caller.partner_id)
            decode_cursor(cursor)  # a forged cursor is refused the same way for everyone
            visible = (
                [own]
                if own is not None and cursor is None and (email is None or own.email == email)
                else []
            )
            return Page(items=[self._customer(c, caller) for c in visible], next_cursor=None)

        async def fetch(n: int, after: str | None) -> StripeList[StripeCustomer]:
            return await self.connector.list_customers(limit=n, starting_after=after, email=email)

        filters = ("customers", email)
        found, next_cursor = await collect(fetch, limit=limit, cursor=cursor, filters=filters)
        return Page(items=[self._customer(c, caller) for c in found], next_cursor=next_cursor)

    async def get_customer(self, caller: Caller, number: str) -> Customer:
        caller.check_visible(number)
        found = await self.find_customer(number)
        if found is None:
            raise ProblemError("not-found", "No billing customer has that customer number.")
        return self._customer(found, caller)

    async def upsert_customer(
        self, caller: Caller, number: str, body: CustomerUpsert, *, idempotency_key: str | None
    ) -> tuple[Customer, bool]:
        """Create the customer, or update it; True when it was created."""
        caller.check_visible(number)
        form = mapping.from_canonical_customer(number, body, self.rules)
        existing = await self.find_customer(number)
        if existing is None:
            key = derive_key(idempotency_key, operation="createCustomer", parts=(number,))
            return self._customer(await self.connector.create_customer(form, key=key), caller), True
        current = self._customer(existing, caller)
        changed = {
            f for f in CustomerUpsert.model_fields if getattr(body, f) != getattr(current, f)
        }
        enforce_ownership(self.ownership, system=SYSTEM, obj="customer", fields=changed)
        key = derive_key(idempotency_key, operation="updateCustomer", parts=(number,))
        updated = await self.connector.update_customer(existing.id, form, key=key)
        return self._customer(updated, caller), False

    async def _numbers(
        self, records: Sequence[StripeInvoiceItem | StripeInvoice]
    ) -> dict[str, str]:
        """Customer numbers for records whose metadata lacks one (made outside Atrium)."""
        key = self.rules.metadata_keys.customer_number
        ids = sorted({r.customer for r in records if not (r.metadata or {}).get(key)})
        customers = await asyncio.gather(*(self.connector.get_customer(i) for i in ids))
        return {c.id: c.metadata[key] for c in customers if key in c.metadata}

    async def _scope_customer(self, caller: Caller, number: str | None) -> tuple[bool, str | None]:
        """(anything visible?, Stripe customer id to filter on) for a list's customer filter."""
        if caller.partner_id is not None:
            if number is not None and number != caller.partner_id:
                return False, None
            number = caller.partner_id
        if number is None:
            return True, None
        found = await self.find_customer(number)
        return found is not None, None if found is None else found.id

    # --- invoice items -----------------------------------------------------------------

    async def list_invoice_items(
        self,
        caller: Caller,
        *,
        limit: int,
        cursor: str | None,
        customer_number: str | None,
        invoice_id: str | None,
        pending: bool | None,
    ) -> Page[InvoiceItem]:
        visible, customer = await self._scope_customer(caller, customer_number)
        if not visible:
            decode_cursor(cursor)
            return _EMPTY

        async def fetch(n: int, after: str | None) -> StripeList[StripeInvoiceItem]:
            return await self.connector.list_invoice_items(
                limit=n,
                starting_after=after,
                customer=customer,
                invoice=invoice_id,
                pending=pending,
            )

        filters = ("invoiceitems", customer, invoice_id, pending)
        found, next_cursor = await collect(fetch, limit=limit, cursor=cursor, filters=filters)
        numbers = await self._numbers(found)
        items = [
            mapping.to_canonical_invoice_item(i, self.rules, customer_numbers=numbers)
            for i in found
        ]
        return Page(items=items, next_cursor=next_cursor)

    async def create_invoice_item(
        self, caller: Caller, body: InvoiceItemCreate, *, idempotency_key: str | None
    ) -> InvoiceItem:
        enforce_ownership(
            self.ownership, system=SYSTEM, obj="invoice_item", fields=set(body.model_fields_set)
        )
        customer_id = await self._customer_id(
            caller, body.customer_number, pointer="#/customer_number"
        )
        if body.invoice_id is not None and caller.partner_id is not None:
            # Another partner's draft is 404, as on its own routes: Stripe's refusal would
            # tell it apart from an invoice that does not exist.
            await self._invoice(await self.connector.get_invoice(body.invoice_id), caller)
        form = mapping.from_canonical_invoice_item(body, self.rules, customer_id=customer_id)
        key = derive_key(idempotency_key, operation="createInvoiceItem")
        created = await self.connector.create_invoice_item(form, key=key)
        numbers = await self._numbers([created])
        return mapping.to_canonical_invoice_item(created, self.rules, customer_numbers=numbers)

    # --- invoices ----------------------------------------------------------------------

    async def _invoice(self, stripe_invoice: StripeInvoice, caller: Caller) -> Invoice:
        numbers = await self._numbers([stripe_invoice])
        invoice = mapping.to_canonical_invoice(stripe_invoice, self.rules, customer_numbers=numbers)
        caller.check_visible(invoice.customer_number)
        return invoice

    async def _with_all_lines(self, inv: StripeInvoice) -> StripeInvoice:
        """Stripe embeds the first lines only; page through the rest."""
        if not inv.lines.has_more or not inv.lines.data:
            return inv
        lines = list(inv.lines.data)
        after: str | None = lines[-1].id
        while after is not None:
            page = await self.connector.list_invoice_lines(inv.id, limit=100, starting_after=after)
            lines.extend(page.data)
            after = page.data[-1].id if page.has_more and page.data else None
        return inv.model_copy(
            update={"lines": inv.lines.model_copy(update={"data": lines, "has_more": False})}
        )

    async def list_invoices(
        self,
        caller: Caller,
        *,
        limit: int,
        cursor: str | None,
        customer_number: str | None,
        status: InvoiceStatus | None,
    ) -> Page[Invoice]:
        visible, customer = await self._scope_customer(caller, customer_number)
        if not visible:
            decode_cursor(cursor)
            return _EMPTY
        vendor_status = None if status is None else self._vendor_status(status)

        async def fetch(n: int, after: str | None) -> StripeList[StripeInvoice]:
            return await self.connector.list_invoices(
                limit=n, starting_after=after, customer=customer, status=vendor_status
            )

        filters = ("invoices", customer, vendor_status)
        found, next_cursor = await collect(fetch, limit=limit, cursor=cursor, filters=filters)
        numbers = await self._numbers(found)
        invoices = [
            mapping.to_canonical_invoice(i, self.rules, customer_numbers=numbers) for i in found
        ]
        return Page(items=invoices, next_cursor=next_cursor)

    def _vendor_status(self, status: InvoiceStatus) -> str:
        return next(k for k, v in self.rules.invoice_status.items() if v is status)

    async def get_invoice(self, caller: Caller, invoice_id: str) -> Invoice:
        stripe_invoice = await self._with_all_lines(await self.connector.get_invoice(invoice_id))
        return await self._invoice(stripe_invoice, caller)

    async def get_invoice_status(self, caller: Caller, invoice_id: str) -> InvoiceStatusView:
        return mapping.to_status_view(
            await self._invoice(await self.connector.get_invoice(invoice_id), caller)
        )

    async def create_invoice(
        self, caller: Caller, body: InvoiceCreate, *, idempotency_key: str | None
    ) -> Invoice:
        enforce_ownership(
            self.ownership, system=SYSTEM, obj="invoice", fields=set(body.model_fields_set)
        )
        caller.check_visible(body.customer_number)
        customer = await self.find_customer(body.customer_number)
        if customer is None:
            raise _unknown_customer("#/customer_number")
        form = mapping.from_canonical_invoice(body, self.rules, customer=customer)
        key = derive_key(idempotency_key, operation="createInvoice")
        created = await self._with_all_lines(await self.connector.create_invoice(form, key=key))
        return await self._invoice(created, caller)

    async def _transition(
        self, caller: Caller, invoice_id: str, action: str, idempotency_key: str | None
    ) -> Invoice:
        if caller.partner_id is not None:
            await self._invoice(
                await self.connector.get_invoice(invoice_id), caller
            )  # 404 if foreign
        key = derive_key(idempotency_key, operation=f"{action}Invoice", parts=(invoice_id,))
        send = (
            self.connector.finalize_invoice if action == "finalize" else self.connector.void_invoice
        )
        changed = await self._with_all_lines(await send(invoice_id, key=key))
        return await self._invoice(changed, caller)

    async def finalize_invoice(
        self, caller: Caller, invoice_id: str, *, idempotency_key: str | None
    ) -> Invoice:
        return await self._transition(caller, invoice_id, "finalize", idempotency_key)

    async def void_invoice(
        self, caller: Caller, invoice_id: str, *, idempotency_key: str | None
    ) -> Invoice:
        return await self._transition(caller, invoice_id, "void", idempotency_key)
