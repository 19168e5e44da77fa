"""Request and response bodies of `/process/events/v1`."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, Field, model_validator

from contracts.events import EVENT_TYPES
from contracts.wire import WRITE_CONFIG, WireDateTime
from process_apis._runtime.delivery_log import DeliveryView
from process_apis._runtime.webhooks import WebhookSubscription
from process_apis.events.listing import EventView


def _known(event_type: str) -> str:
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown event type; one of {', '.join(sorted(EVENT_TYPES))}")
    return event_type


EventTypeName = Annotated[
    str,
    Field(max_length=64, json_schema_extra={"enum": sorted(EVENT_TYPES)}),
    AfterValidator(_known),
]
WebhookUrl = Annotated[
    str,
    Field(
        min_length=8,
        max_length=2000,
        pattern=r"^https?://",
        description="Where deliveries are POSTed: https, on a public address.",
        examples=["https://hooks.partner.example/atrium"],
    ),
]
Description = Annotated[str, Field(max_length=200)]


class SubscriptionCreate(BaseModel):
    """A new webhook subscription."""

    model_config = WRITE_CONFIG

    url: WebhookUrl
    event_types: list[EventTypeName] = Field(min_length=1, max_length=len(EVENT_TYPES))
    description: Description | None = None
    active: bool = True


class SubscriptionUpdate(BaseModel):
    """Changes to a subscription; absent fields stay as they are."""

    model_config = WRITE_CONFIG

    url: WebhookUrl | None = None
    event_types: list[EventTypeName] | None = Field(
        default=None, min_length=1, max_length=len(EVENT_TYPES)
    )
    description: Description | None = None
    active: bool | None = None


class SubscriptionWithSecret(WebhookSubscription):
    """A subscription with its signing secret: shown on creation and rotation only."""

    secret: str = Field(description="`whsec_…`: verify `webhook-signature` with it. Shown once.")


class SubscriptionPage(BaseModel):
    items: list[WebhookSubscription]
    next_offset: int | None = None


class DeliveryPage(BaseModel):
    """Deliveries, newest first; `next_offset` is absent on the last page."""

    items: list[DeliveryView]
    next_offset: int | None = None


class EventPage(BaseModel):
    """Recorded events, newest first; `next_offset` is absent on the last page."""

    items: list[EventView]
    next_offset: int | None = None


class ReplayRequest(BaseModel):
    """Which events to deliver again, and where; at least one selector is required."""

    model_config = WRITE_CONFIG

    event_type: EventTypeName | None = None
    key: str | None = Field(
        default=None,
        max_length=265,
        pattern=r"^[a-z_]{1,64}:.{1,200}$",
        description="Business key 'name:value', e.g. project_code:P-1001.",
    )
    recorded_after: WireDateTime | None = None
    recorded_before: WireDateTime | None = None
    subscription_id: str | None = Field(
        default=None, max_length=40, description="Only this webhook subscription."
    )
    subscriber: str | None = Field(
        default=None, max_length=64, description="Only this in-process subscriber (firm only)."
    )
    dead_letters_only: bool = Field(
        default=False, description="Only targets whose delivery of the event is dead-lettered."
    )
    limit: int = Field(default=100, ge=1, le=1000, description="At most this many events.")

    @model_validator(mode="after")
    def _selective(self) -> ReplayRequest:
        if not (self.event_type or self.key or self.recorded_after or self.recorded_before):
            raise ValueError("name an event type, a business key or a time range")
        if (
            self.recorded_after is not None
            and self.recorded_before is not None
            and self.recorded_after >= self.recorded_before
        ):
            raise ValueError("recorded_after must be before recorded_before")
        return self


class EventType(BaseModel):
    """A canonical event type and the schema of its data."""

    type: str
    schema_version: int
    description: str
    dataschema: str = Field(description="The `dataschema` attribute events of this type carry.")
    partner_subscribable: bool = Field(
        description="Partners may subscribe: the event names the customer it concerns."
    )
    data_schema: dict[str, Any] = Field(description="JSON Schema of `data`.")
