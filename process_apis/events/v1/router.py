"""Routes of `/process/events/v1`: webhook subscriptions, deliveries, dead letters, replay.

A partner client (its token names a `partner_id`) sees and changes only its own
subscriptions, their deliveries and dead letters; the firm's clients see everything.
"""

# No `from __future__ import annotations`: FastAPI must see the body models themselves.

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from pydantic import Field

from contracts.events import EVENT_TYPES
from contracts.problems import ProblemError, ProblemFieldError
from process_apis._runtime import delivery
from process_apis._runtime.delivery_log import (
    DeliveryFilter,
    DeliveryStatus,
    DeliveryView,
    get_delivery,
    list_deliveries,
)
from process_apis._runtime.engine import FlowRuntime
from process_apis._runtime.event_index import EventSelection
from process_apis._runtime.query import IsoDateTime
from process_apis._runtime.router import MAX_PAGE, runtime_dep
from process_apis._runtime.ssrf import UnsafeTargetError
from process_apis._runtime.subscribers import lookup
from process_apis._runtime.webhooks import (
    CHANNEL,
    PARTNER_EVENT_TYPES,
    WebhookChannel,
    WebhookSubscription,
    count_subscriptions,
    create_subscription,
    delete_subscription,
    get_subscription,
    list_subscriptions,
    new_secret,
    update_subscription,
    visible_subscription_ids,
)
from process_apis.events.asyncapi import asyncapi_document, data_schema, dataschema, describe
from process_apis.events.listing import EventSearch, list_events
from process_apis.events.v1.schemas import (
    DeliveryPage,
    EventPage,
    EventType,
    EventTypeName,
    ReplayRequest,
    SubscriptionCreate,
    SubscriptionPage,
    SubscriptionUpdate,
    SubscriptionWithSecret,
)

BASE = "/process/events/v1"
router = APIRouter(
    responses={
        404: {"description": "No such subscription or delivery (or not yours)."},
        409: {"description": "Conflict (subscription limit, paused subscription, key in use)."},
        503: {"description": "Event delivery is not running in this process."},
    }
)
Runtime = Annotated[FlowRuntime, runtime_dep("process/events/v1")]
SubscriptionId = Annotated[str, Path(max_length=40, pattern=r"^whs_[0-9a-f]{24}$")]
DeliveryId = Annotated[str, Path(max_length=40, pattern=r"^dlv_[0-9a-f]{24}$")]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE)]
BusinessKey = Annotated[
    str,
    Query(
        max_length=265,
        pattern=r"^[a-z_]{1,64}:.{1,200}$",
        description="Business key 'name:value', e.g. project_code:P-1001.",
    ),
]
EventIds = Annotated[
    list[Annotated[str, Field(max_length=64)]],
    Query(alias="id", max_length=100, description="Only these event ids (repeat, up to 100)."),
]
Offset = Annotated[int, Query(ge=0)]


@dataclass(frozen=True, slots=True)
class Caller:
    """The OAuth client calling and the partner it is bound to (None: the firm)."""

    client_id: str | None
    partner_id: str | None


def current_caller(request: Request) -> Caller:
    principal = request.scope.get("state", {}).get("principal")
    return Caller(
        client_id=getattr(principal, "client_id", None),
        partner_id=getattr(principal, "partner_id", None),
    )


CallerDep = Annotated[Caller, Depends(current_caller)]


def _webhooks() -> WebhookChannel:
    try:
        found = delivery.channel(CHANNEL)
    except RuntimeError:
        found = None
    if not isinstance(found, WebhookChannel):
        raise ProblemError("service-unavailable", "Webhook delivery is not running here.")
    return found


def _invalid(pointer: str, detail: str) -> ProblemError:
    return ProblemError(
        "validation-failed", detail, errors=[ProblemFieldError(pointer=pointer, detail=detail)]
    )


async def _check_url(webhooks: WebhookChannel, url: str) -> None:
    try:
        await webhooks.target_policy.check_url(url)
    except UnsafeTargetError as exc:
        raise _invalid("#/url", f"The URL is refused: {exc}.") from exc


def _check_types(event_types: list[str], caller: Caller) -> None:
    refused = sorted(set(event_types) - PARTNER_EVENT_TYPES)
    if caller.partner_id is not None and refused:
        raise _invalid(
            "#/event_types",
            f"Partners cannot subscribe to {', '.join(refused)}: those events name no customer.",
        )


async def _subscription(
    runtime: FlowRuntime, subscription_id: str, caller: Caller
) -> WebhookSubscription:
    found = await get_subscription(runtime.store, subscription_id, partner_id=caller.partner_id)
    if found is None:
        raise ProblemError("not-found", f"No subscription {subscription_id}.")
    return found


@router.get(
    "/event-types",
    operation_id="listEventTypes",
    summary="The canonical event types and the JSON Schema of their data",
    response_model=list[EventType],
)
async def event_types() -> list[EventType]:
    return [
        EventType(
            type=name,
            schema_version=model.schema_version,
            description=describe(model),
            dataschema=dataschema(model),
            partner_subscribable=name in PARTNER_EVENT_TYPES,
            data_schema=data_schema(model),
        )
        for name, model in sorted(EVENT_TYPES.items())
    ]


@router.get(
    "/asyncapi.json",
    operation_id="getAsyncApiDocument",
    summary="The AsyncAPI 3.0 document of every event, on the stream and as webhooks",
)
async def asyncapi() -> dict[str, Any]:
    return asyncapi_document()


@router.post(
    "/subscriptions",
    status_code=201,
    operation_id="createWebhookSubscription",
    summary="Subscribe a URL to event types; the signing secret is in this response only",
    response_model=SubscriptionWithSecret,
)
async def create(
    body: SubscriptionCreate, response: Response, runtime: Runtime, caller: CallerDep
) -> SubscriptionWithSecret:
    webhooks = _webhooks()
    _check_types(body.event_types, caller)
    await _check_url(webhooks, body.url)
    if await count_subscriptions(runtime.store, caller.partner_id) >= (
        webhooks.settings.max_subscriptions
    ):
        raise ProblemError(
            "conflict", f"At most {webhooks.settings.max_subscriptions} subscriptions each."
        )
    subscription, secret = await create_subscription(
        runtime.store,
        url=body.url,
        event_types=body.event_types,
        description=body.description,
        active=body.active,
        partner_id=caller.partner_id,
        created_by=caller.client_id,
    )
    response.headers["Location"] = f"{BASE}/subscriptions/{subscription.id}"
    return SubscriptionWithSecret(**subscription.model_dump(), secret=secret)


@router.get(
    "/subscriptions",
    operation_id="listWebhookSubscriptions",
    summary="Your webhook subscriptions, newest first",
    response_model=SubscriptionPage,
)
async def list_(
    runtime: Runtime, caller: CallerDep, limit: Limit = 50, offset: Offset = 0
) -> SubscriptionPage:
    items, next_offset = await list_subscriptions(
        runtime.store, partner_id=caller.partner_id, limit=limit, offset=offset
    )
    return SubscriptionPage(items=items, next_offset=next_offset)


@router.get(
    "/subscriptions/{subscription_id}",
    operation_id="getWebhookSubscription",
    summary="One webhook subscription",
    response_model=WebhookSubscription,
)
async def get(
    subscription_id: SubscriptionId, runtime: Runtime, caller: CallerDep
) -> WebhookSubscription:
    return await _subscription(runtime, subscription_id, caller)


@router.patch(
    "/subscriptions/{subscription_id}",
    operation_id="updateWebhookSubscription",
    summary="Change a subscription's URL, event types, description, or pause it",
    response_model=WebhookSubscription,
)
async def update(
    subscription_id: SubscriptionId, body: SubscriptionUpdate, runtime: Runtime, caller: CallerDep
) -> WebhookSubscription:
    await _subscription(runtime, subscription_id, caller)
    changes = body.model_dump(exclude_unset=True)
    if "url" in changes:
        if body.url is None:
            raise _invalid("#/url", "A subscription needs a URL.")
        await _check_url(_webhooks(), body.url)
    if "event_types" in changes:
        if body.event_types is None:
            raise _invalid("#/event_types", "A subscription needs event types.")
        _check_types(body.event_types, caller)
    if changes.get("active", True) is None:
        raise _invalid("#/active", "active is true or false.")
    await update_subscription(runtime.store, subscription_id, changes)
    return await _subscription(runtime, subscription_id, caller)


@router.delete(
    "/subscriptions/{subscription_id}",
    status_code=204,
    operation_id="deleteWebhookSubscription",
    summary="Delete a subscription; pending deliveries to it are cancelled",
)
async def delete(subscription_id: SubscriptionId, runtime: Runtime, caller: CallerDep) -> Response:
    await _subscription(runtime, subscription_id, caller)
    await delete_subscription(runtime.store, subscription_id)
    return Response(status_code=204)


@router.post(
    "/subscriptions/{subscription_id}/secret",
    operation_id="rotateWebhookSecret",
    summary="Replace the signing secret; the new one is in this response only",
    response_model=SubscriptionWithSecret,
)
async def rotate(
    subscription_id: SubscriptionId, runtime: Runtime, caller: CallerDep
) -> SubscriptionWithSecret:
    await _subscription(runtime, subscription_id, caller)
    secret = new_secret()
    await update_subscription(runtime.store, subscription_id, {"secret": secret})
    found = await _subscription(runtime, subscription_id, caller)
    return SubscriptionWithSecret(**found.model_dump(), secret=secret)


@router.get(
    "/subscriptions/{subscription_id}/deliveries",
    operation_id="listWebhookDeliveries",
    summary="The subscription's delivery log, newest first",
    response_model=DeliveryPage,
)
async def deliveries(
    subscription_id: SubscriptionId,
    *,
    runtime: Runtime,
    caller: CallerDep,
    status: DeliveryStatus | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> DeliveryPage:
    await _subscription(runtime, subscription_id, caller)
    search = DeliveryFilter(channel=CHANNEL, targets=[subscription_id], status=status)
    items, next_offset = await list_deliveries(runtime.store, search, limit=limit, offset=offset)
    return DeliveryPage(items=items, next_offset=next_offset)


async def _delivery(
    runtime: FlowRuntime, subscription_id: str, delivery_id: str, caller: Caller
) -> DeliveryView:
    await _subscription(runtime, subscription_id, caller)
    found = await get_delivery(runtime.store, delivery_id)
    if found is None or found.channel != CHANNEL or found.target != subscription_id:
        raise ProblemError("not-found", f"No delivery {delivery_id} for {subscription_id}.")
    return found


@router.get(
    "/subscriptions/{subscription_id}/deliveries/{delivery_id}",
    operation_id="getWebhookDelivery",
    summary="One delivery with every attempt",
    response_model=DeliveryView,
)
async def get_one_delivery(
    subscription_id: SubscriptionId, delivery_id: DeliveryId, runtime: Runtime, caller: CallerDep
) -> DeliveryView:
    return await _delivery(runtime, subscription_id, delivery_id, caller)


@router.post(
    "/subscriptions/{subscription_id}/deliveries/{delivery_id}/redeliver",
    status_code=202,
    operation_id="redeliverWebhookDelivery",
    summary="Deliver that delivery's event to the subscription again, as a new delivery",
    response_model=DeliveryView,
)
async def redeliver(
    subscription_id: SubscriptionId,
    delivery_id: DeliveryId,
    *,
    response: Response,
    runtime: Runtime,
    caller: CallerDep,
) -> DeliveryView:
    await _delivery(runtime, subscription_id, delivery_id, caller)
    subscription = await _subscription(runtime, subscription_id, caller)
    if not subscription.active:
        raise ProblemError("conflict", "The subscription is paused: activate it first.")
    _webhooks()
    started = await delivery.redeliver(delivery_id)
    if started is None:
        raise ProblemError("not-found", f"The event of {delivery_id} is no longer recorded.")
    response.headers["Location"] = f"{BASE}/subscriptions/{subscription_id}/deliveries/{started.id}"
    return started


@router.get(
    "/events",
    operation_id="listEvents",
    summary="Recorded events, newest first, by type, business key, time recorded or id",
    response_model=EventPage,
)
async def events(
    *,
    runtime: Runtime,
    caller: CallerDep,
    event_type: Annotated[EventTypeName | None, Query(alias="type")] = None,
    key: BusinessKey | None = None,
    ids: EventIds = [],  # noqa: B006 - FastAPI copies defaults per request
    recorded_after: IsoDateTime | None = None,
    recorded_before: IsoDateTime | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> EventPage:
    name, _, value = key.partition(":") if key is not None else ("", "", "")
    search = EventSearch(
        event_type=event_type,
        key=(name, value) if key is not None else None,
        ids=ids,
        recorded_after=recorded_after,
        recorded_before=recorded_before,
        partner_id=caller.partner_id,
    )
    items, next_offset = await list_events(runtime.store, search, limit=limit, offset=offset)
    return EventPage(items=items, next_offset=next_offset)


@router.get(
    "/dead-letters",
    operation_id="listDeadLetters",
    summary="Deliveries that failed every attempt and were not delivered since",
    response_model=DeliveryPage,
)
async def dead_letters(
    *,
    runtime: Runtime,
    caller: CallerDep,
    event_type: EventTypeName | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> DeliveryPage:
    search = DeliveryFilter(event_type=event_type, dead_letters_only=True)
    if caller.partner_id is not None:
        search.channel = CHANNEL
        search.targets = await visible_subscription_ids(runtime.store, caller.partner_id)
    items, next_offset = await list_deliveries(runtime.store, search, limit=limit, offset=offset)
    return DeliveryPage(items=items, next_offset=next_offset)


async def _replay_filter(
    runtime: FlowRuntime, body: ReplayRequest, caller: Caller
) -> delivery.TargetFilter:
    if body.subscription_id is not None:
        await _subscription(runtime, body.subscription_id, caller)
        wanted = body.subscription_id
        return lambda channel, target: channel == CHANNEL and target == wanted
    if caller.partner_id is not None:
        if body.subscriber is not None:
            raise _invalid("#/subscriber", "Partners replay to their own subscriptions only.")
        own = set(await visible_subscription_ids(runtime.store, caller.partner_id))
        return lambda channel, target: channel == CHANNEL and target in own
    if body.subscriber is not None:
        if lookup(body.subscriber) is None:
            raise ProblemError("not-found", f"No subscriber {body.subscriber!r}.")
        name = body.subscriber
        return lambda channel, target: channel == delivery.SUBSCRIBERS and target == name
    return lambda channel, target: True


@router.post(
    "/replays",
    status_code=202,
    operation_id="replayEvents",
    summary="Deliver recorded events again, by type, business key or time range (bounded)",
    response_model=delivery.ReplayReport,
)
async def replay(body: ReplayRequest, runtime: Runtime, caller: CallerDep) -> delivery.ReplayReport:
    _webhooks()
    allowed = await _replay_filter(runtime, body, caller)
    key = None
    if body.key is not None:
        name, _, value = body.key.partition(":")
        key = (name, value)
    selection = EventSelection(
        event_type=body.event_type,
        key=key,
        recorded_after=body.recorded_after,
        recorded_before=body.recorded_before,
    )
    return await delivery.replay(
        selection, allowed=allowed, dead_letters_only=body.dead_letters_only, limit=body.limit
    )
