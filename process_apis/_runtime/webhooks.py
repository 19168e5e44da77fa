"""Partner webhooks: subscriptions, Standard Webhooks signatures, and the delivery channel.

A subscription names a URL, event types and an owner (a partner, or the firm when
`partner_id` is None). Each delivery is a POST of the CloudEvent (structured JSON)
signed per Standard Webhooks:

    webhook-id:        the event id (the same on every retry and redelivery)
    webhook-timestamp: seconds since the epoch, at this attempt
    webhook-signature: v1,<base64 HMAC-SHA256(key, "{id}.{timestamp}.{body}")>

where the key is the base64 part of the subscription's `whsec_…` secret. A partner's
subscription receives only the events of its own customer (`customer_number`), so
partners may subscribe only to event types that carry one. Targets are checked against
SSRF when a subscription is written and again at every delivery (`ssrf.py`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import json
import secrets
import ssl
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpcore
from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy import JSON, Boolean, Column, Float, String, Table, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from contracts.events import EVENT_TYPES, CloudEvent
from contracts.registry import RuntimeContext, settings_from
from process_apis._runtime.channels import AttemptResult, Outcome, RetryPolicy, describe
from process_apis._runtime.ssrf import GuardedBackend, TargetPolicy, UnsafeTargetError
from process_apis._runtime.store import metadata

CHANNEL = "webhook"
SECRET_PREFIX = "whsec_"  # noqa: S105 - a prefix, not a secret
PARTNER_EVENT_TYPES = frozenset(
    name for name, model in EVENT_TYPES.items() if "customer_number" in model.model_fields
)
"""Event types a partner may subscribe to: those that name the customer they concern."""

subscriptions_table = Table(
    "webhook_subscriptions",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("partner_id", String(64), nullable=True, index=True),
    Column("created_by", String(200), nullable=True),
    Column("url", String(2000), nullable=False),
    Column("event_types", JSON, nullable=False),
    Column("description", String(200), nullable=True),
    Column("active", Boolean, nullable=False),
    Column("secret", String(100), nullable=False),
    Column("created_at", Float, nullable=False, index=True),
    Column("updated_at", Float, nullable=False),
    Column("deleted_at", Float, nullable=True),
)


class WebhookSettings(BaseSettings):
    """How webhooks are delivered (`ATRIUM_WEBHOOKS_*`)."""

    model_config = SettingsConfigDict(env_prefix="ATRIUM_WEBHOOKS_")

    allow_http: bool = Field(default=False, description="Accept http:// targets (tests only).")
    allowed_networks: list[str] = Field(
        default_factory=list,
        description="CIDRs exempt from the SSRF rules, e.g. ['127.0.0.0/8'] for a test receiver.",
    )
    max_attempts: int = Field(default=8, ge=1, le=50)
    initial_backoff_s: float = Field(default=5.0, ge=0)
    max_backoff_s: float = Field(default=3600.0, ge=0)
    timeout_s: float = Field(default=10.0, gt=0)
    resolve_timeout_s: float = Field(default=2.0, gt=0)
    max_connections: int = Field(default=50, ge=1)
    max_subscriptions: int = Field(default=25, ge=1, description="Per partner (or the firm).")

    def retry_policy(self) -> RetryPolicy:
        return RetryPolicy(
            max_attempts=self.max_attempts,
            initial_backoff_s=self.initial_backoff_s,
            max_backoff_s=self.max_backoff_s,
        )

    def target_policy(self) -> TargetPolicy:
        return TargetPolicy(
            allow_http=self.allow_http,
            allowed_networks=tuple(ipaddress.ip_network(n) for n in self.allowed_networks),
            resolve_timeout_s=self.resolve_timeout_s,
        )


def new_secret() -> str:
    """A fresh signing secret: `whsec_` and 32 random bytes in base64."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def sign(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """The `webhook-signature` value for one delivery."""
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    content = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, content, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signed_request(secret: str, event: CloudEvent, now: float) -> tuple[bytes, dict[str, str]]:
    """The body and headers of one delivery of `event`."""
    body = json.dumps(
        event.model_dump(mode="json"), separators=(",", ":"), ensure_ascii=False
    ).encode()
    timestamp = int(now)
    return body, {
        "content-type": "application/cloudevents+json",
        "user-agent": "Atrium-Webhooks/1",
        "webhook-id": event.id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secret, event.id, timestamp, body),
    }


class WebhookSubscription(BaseModel):
    """A webhook subscription as its owner sees it (never with its secret)."""

    id: str
    url: str
    event_types: list[str]
    description: str | None = None
    active: bool
    partner_id: str | None = Field(default=None, description="The owning partner; none: firm.")
    created_at: datetime
    updated_at: datetime


def _view(row: Any) -> WebhookSubscription:
    return WebhookSubscription(
        id=row.id,
        url=row.url,
        event_types=list(row.event_types),
        description=row.description,
        active=row.active,
        partner_id=row.partner_id,
        created_at=datetime.fromtimestamp(row.created_at, tz=UTC),
        updated_at=datetime.fromtimestamp(row.updated_at, tz=UTC),
    )


def _live() -> Any:
    return subscriptions_table.c.deleted_at.is_(None)


def _visible_to(partner_id: str | None) -> list[Any]:
    conditions = [_live()]
    if partner_id is not None:
        conditions.append(subscriptions_table.c.partner_id == partner_id)
    return conditions


async def count_subscriptions(store: AsyncEngine, partner_id: str | None) -> int:
    """Live subscriptions owned by `partner_id` (None: the firm's own)."""
    owner = (
        subscriptions_table.c.partner_id.is_(None)
        if partner_id is None
        else subscriptions_table.c.partner_id == partner_id
    )
    async with store.connect() as connection:
        count = await connection.execute(select(func.count()).where(_live(), owner))
        return int(count.scalar_one())


async def create_subscription(
    store: AsyncEngine,
    *,
    url: str,
    event_types: list[str],
    description: str | None,
    active: bool,
    partner_id: str | None,
    created_by: str | None,
) -> tuple[WebhookSubscription, str]:
    """Store a new subscription; returns it and its secret (shown to the caller once)."""
    now = time.time()
    subscription_id = "whs_" + secrets.token_hex(12)
    secret = new_secret()
    async with store.begin() as connection:
        await connection.execute(
            insert(subscriptions_table).values(
                id=subscription_id,
                partner_id=partner_id,
                created_by=created_by,
                url=url,
                event_types=sorted(set(event_types)),
                description=description,
                active=active,
                secret=secret,
                created_at=now,
                updated_at=now,
            )
        )
    found = await get_subscription(store, subscription_id, partner_id=None)
    assert found is not None
    return found, secret


async def get_subscription(
    store: AsyncEngine, subscription_id: str, *, partner_id: str | None
) -> WebhookSubscription | None:
    """A live subscription visible to `partner_id` (None: the firm sees all)."""
    async with store.connect() as connection:
        row = (
            await connection.execute(
                select(subscriptions_table).where(
                    subscriptions_table.c.id == subscription_id, *_visible_to(partner_id)
                )
            )
        ).first()
    return None if row is None else _view(row)


async def list_subscriptions(
    store: AsyncEngine, *, partner_id: str | None, limit: int, offset: int
) -> tuple[list[WebhookSubscription], int | None]:
    """Live subscriptions visible to `partner_id`, newest first, and the next offset."""
    query = (
        select(subscriptions_table)
        .where(*_visible_to(partner_id))
        .order_by(subscriptions_table.c.created_at.desc(), subscriptions_table.c.id)
        .limit(limit + 1)
        .offset(offset)
    )
    async with store.connect() as connection:
        rows = list(await connection.execute(query))
    return [_view(r) for r in rows[:limit]], offset + limit if len(rows) > limit else None


async def visible_subscription_ids(store: AsyncEngine, partner_id: str) -> list[str]:
    """Every subscription id a partner owns, deleted ones included (their delivery log stays)."""
    async with store.connect() as connection:
        rows = await connection.execute(
            select(subscriptions_table.c.id).where(subscriptions_table.c.partner_id == partner_id)
        )
        return [row.id for row in rows]


async def update_subscription(
    store: AsyncEngine, subscription_id: str, changes: dict[str, Any]
) -> None:
    """Apply `changes` (url, event_types, description, active, secret) to a live subscription."""
    if "event_types" in changes:
        changes = {**changes, "event_types": sorted(set(changes["event_types"]))}
    async with store.begin() as connection:
        await connection.execute(
            update(subscriptions_table)
            .where(subscriptions_table.c.id == subscription_id, _live())
            .values(**changes, updated_at=time.time())
        )


async def delete_subscription(store: AsyncEngine, subscription_id: str) -> None:
    """Retire a subscription: no new deliveries; its log stays readable to the firm."""
    now = time.time()
    async with store.begin() as connection:
        await connection.execute(
            update(subscriptions_table)
            .where(subscriptions_table.c.id == subscription_id, _live())
            .values(deleted_at=now, active=False, updated_at=now)
        )


def _customer_of(event: CloudEvent) -> str | None:
    keys = json.loads(event.businesskeys)
    value = keys.get("customer_number", event.data.get("customer_number"))
    return None if value is None else str(value)


@dataclass(frozen=True, slots=True)
class WebhookChannel:
    """Deliveries to partners' (and the firm's own) webhook subscriptions."""

    store: AsyncEngine
    pool: httpcore.AsyncConnectionPool
    settings: WebhookSettings
    target_policy: TargetPolicy
    name: str = CHANNEL

    @property
    def policy(self) -> RetryPolicy:
        return self.settings.retry_policy()

    async def targets(self, event: CloudEvent) -> list[str]:
        async with self.store.connect() as connection:
            rows = list(
                await connection.execute(
                    select(
                        subscriptions_table.c.id,
                        subscriptions_table.c.partner_id,
                        subscriptions_table.c.event_types,
                    ).where(_live(), subscriptions_table.c.active.is_(True))
                )
            )
        customer = _customer_of(event)
        return sorted(
            row.id
            for row in rows
            if event.type in row.event_types
            and (row.partner_id is None or row.partner_id == customer)
        )

    async def attempt(self, target: str, event: CloudEvent) -> AttemptResult:
        async with self.store.connect() as connection:
            row = (
                await connection.execute(
                    select(subscriptions_table).where(subscriptions_table.c.id == target)
                )
            ).first()
        if row is None or row.deleted_at is not None or not row.active:
            return AttemptResult(outcome=Outcome.GONE, error="the subscription is gone or paused")
        return await self.post(row.url, row.secret, event)

    async def post(self, url: str, secret: str, event: CloudEvent) -> AttemptResult:
        """One signed POST of `event` to `url`; any 2xx is a delivery."""
        try:
            self.target_policy.check_form(url)
        except UnsafeTargetError as exc:
            return AttemptResult(outcome=Outcome.FAILED, error=f"unsafe target: {exc}")
        body, headers = signed_request(secret, event, time.time())
        timeout = self.settings.timeout_s
        extensions = {"timeout": dict.fromkeys(("connect", "read", "write", "pool"), timeout)}
        try:
            async with self.pool.stream(
                "POST", url, headers=list(headers.items()), content=body, extensions=extensions
            ) as response:
                status = response.status
        except UnsafeTargetError as exc:
            return AttemptResult(outcome=Outcome.FAILED, error=f"unsafe target: {exc}")
        except (httpcore.NetworkError, httpcore.TimeoutException, httpcore.ProtocolError) as exc:
            return AttemptResult(outcome=Outcome.FAILED, error=describe(exc))
        if 200 <= status < 300:
            return AttemptResult(outcome=Outcome.DELIVERED, status_code=status)
        return AttemptResult(outcome=Outcome.FAILED, status_code=status, error=f"HTTP {status}")


@asynccontextmanager
async def webhook_channel(ctx: RuntimeContext, store: AsyncEngine) -> AsyncIterator[WebhookChannel]:
    """The webhook channel with its connection pool, guarded against SSRF, for the runtime."""
    settings = settings_from(WebhookSettings, ctx)
    target_policy = settings.target_policy()
    pool = httpcore.AsyncConnectionPool(
        ssl_context=ssl.create_default_context(),
        max_connections=settings.max_connections,
        network_backend=GuardedBackend(target_policy),
        retries=0,  # retries are the delivery workflow's, with backoff
    )
    try:
        yield WebhookChannel(store, pool, settings, target_policy)
    finally:
        await pool.aclose()
