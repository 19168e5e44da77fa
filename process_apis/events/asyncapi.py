"""The published event contracts: JSON Schema per event type and an AsyncAPI 3.0 document.

Generated from `contracts/events.py` and committed under `openapi/events/` by
`atrium openapi` (the drift test keeps them equal):

- `events/<type>.v<n>.json`: the schema of `data`, what an event's `dataschema` names;
- `events/cloudevent.json`: the envelope every event shares;
- `events/asyncapi.json`: both channels (the Redis stream and webhooks) and every message.
"""

from __future__ import annotations

import inspect
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from contracts.events import EVENT_TYPES, CloudEvent, EventData
from process_apis._runtime.webhooks import PARTNER_EVENT_TYPES

JSON_SCHEMA = "https://json-schema.org/draft/2020-12/schema"
CONTENT_TYPE = "application/cloudevents+json"
STREAM = "atrium.events"


def dataschema(model: type[EventData]) -> str:
    """The `dataschema` attribute of events of this type (as `events.build_event` sets it)."""
    return f"/events/{model.event_type}.v{model.schema_version}.json"


def describe(model: type[EventData | CloudEvent]) -> str:
    return inspect.cleandoc(model.__doc__ or "").split("\n", 1)[0]


def data_schema(model: type[EventData]) -> dict[str, Any]:
    """The standalone JSON Schema of an event type's `data`."""
    schema = model.model_json_schema()
    return {"$schema": JSON_SCHEMA, "$id": dataschema(model), **schema}


def envelope_schema() -> dict[str, Any]:
    return {"$schema": JSON_SCHEMA, "$id": "/events/cloudevent.json"} | (
        CloudEvent.model_json_schema()
    )


def _message_name(model: type[EventData]) -> str:
    return model.__name__


def _event_payload(model: type[EventData]) -> dict[str, Any]:
    return {
        "allOf": [
            {"$ref": "#/components/schemas/CloudEvent"},
            {
                "type": "object",
                "properties": {
                    "type": {"const": model.event_type},
                    "schemaversion": {"const": str(model.schema_version)},
                    "dataschema": {"const": dataschema(model)},
                    "data": {"$ref": f"#/components/schemas/{model.__name__}"},
                },
            },
        ]
    }


WEBHOOK_HEADERS: dict[str, Any] = {
    "type": "object",
    "required": ["webhook-id", "webhook-timestamp", "webhook-signature"],
    "properties": {
        "webhook-id": {"type": "string", "description": "The event id; the same on retries."},
        "webhook-timestamp": {
            "type": "string",
            "pattern": "^[0-9]+$",
            "description": "Seconds since the epoch when this attempt was signed.",
        },
        "webhook-signature": {
            "type": "string",
            "pattern": "^v1,[A-Za-z0-9+/=]+$",
            "description": "v1,<base64 HMAC-SHA256 of '{webhook-id}.{webhook-timestamp}.{body}' "
            "keyed with the base64-decoded part of the subscription's whsec_ secret>.",
        },
    },
}


def _messages() -> dict[str, Any]:
    messages: dict[str, Any] = {}
    for model in EVENT_TYPES.values():
        common = {
            "name": model.event_type,
            "title": model.__name__,
            "summary": describe(model),
            "contentType": CONTENT_TYPE,
            "payload": _event_payload(model),
        }
        messages[_message_name(model)] = common
        messages[f"{_message_name(model)}Webhook"] = common | {
            "headers": {"$ref": "#/components/schemas/WebhookHeaders"},
            "description": "Partners receive it only if it concerns their customer."
            if model.event_type in PARTNER_EVENT_TYPES
            else "The firm's own subscriptions only: no customer to scope it to a partner.",
        }
    return messages


def _channel_messages(suffix: str) -> dict[str, Any]:
    return {
        f"{m.__name__}{suffix}": {"$ref": f"#/components/messages/{m.__name__}{suffix}"}
        for m in EVENT_TYPES.values()
    }


def asyncapi_document() -> dict[str, Any]:
    """The AsyncAPI 3.0 document of every canonical event, on the stream and as webhooks."""
    models: list[type[BaseModel]] = [CloudEvent, *EVENT_TYPES.values()]
    _, definitions = models_json_schema(
        [(model, "validation") for model in models],
        ref_template="#/components/schemas/{model}",
    )
    schemas = dict(definitions["$defs"]) | {"WebhookHeaders": WEBHOOK_HEADERS}
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Atrium events",
            "version": "1",
            "description": "Canonical business events as CloudEvents 1.0 (JSON), with "
            "`traceparent`, `businesskeys` and `schemaversion` extensions. Delivered at least "
            "once: de-duplicate on `id`.",
        },
        "defaultContentType": CONTENT_TYPE,
        "servers": {
            "redis": {
                "host": "localhost:6379",
                "protocol": "redis",
                "description": "The gateway's Redis (ATRIUM_REDIS_URL).",
            },
            "partner": {
                "host": "hooks.partner.example",
                "protocol": "https",
                "description": "A webhook subscription's URL.",
            },
        },
        "channels": {
            "events": {
                "address": STREAM,
                "title": "Redis stream",
                "description": "One entry per event: fields id, type, source, time, "
                "schemaversion, businesskeys, subject, traceparent and the whole event as JSON "
                "in `envelope`. Read with consumer groups (XREADGROUP, XACK). "
                "ATRIUM_STREAMS_PER_TYPE=true gives one stream per type, atrium.events.<type>.",
                "servers": [{"$ref": "#/servers/redis"}],
                "messages": _channel_messages(""),
            },
            "webhooks": {
                "address": None,
                "title": "Webhook subscriptions",
                "description": "POSTed to each active subscription of the event's type, signed "
                "per Standard Webhooks. Any 2xx acknowledges; anything else is retried with "
                "exponential backoff and jitter, then dead-lettered.",
                "servers": [{"$ref": "#/servers/partner"}],
                "messages": _channel_messages("Webhook"),
            },
        },
        "operations": {
            "appendToStream": {
                "action": "send",
                "channel": {"$ref": "#/channels/events"},
                "summary": "Atrium appends every event to the stream.",
                "messages": [
                    {"$ref": f"#/channels/events/messages/{m.__name__}"}
                    for m in EVENT_TYPES.values()
                ],
            },
            "deliverWebhook": {
                "action": "send",
                "channel": {"$ref": "#/channels/webhooks"},
                "summary": "Atrium POSTs each event to the matching subscriptions.",
                "bindings": {"http": {"method": "POST"}},
                "messages": [
                    {"$ref": f"#/channels/webhooks/messages/{m.__name__}Webhook"}
                    for m in EVENT_TYPES.values()
                ],
            },
        },
        "components": {"schemas": schemas, "messages": _messages()},
    }


def event_documents() -> dict[str, dict[str, Any]]:
    """Path under `openapi/` -> document, for every published event contract."""
    documents = {"events/asyncapi.json": asyncapi_document()}
    documents["events/cloudevent.json"] = envelope_schema()
    for model in EVENT_TYPES.values():
        documents[dataschema(model).lstrip("/")] = data_schema(model)
    return documents
