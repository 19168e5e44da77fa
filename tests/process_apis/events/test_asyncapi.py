"""Published event contracts: JSON Schemas that accept real events, an AsyncAPI whose refs hold."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema
import pytest

from contracts.events import EVENT_TYPES
from process_apis._runtime.events import build_event
from process_apis.events.asyncapi import asyncapi_document, event_documents
from tests.fixtures.flows_events import events_gateway, invoice, provisioned


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return own + [ref for value in node.values() for ref in _refs(value)]
    if isinstance(node, list):
        return [ref for value in node for ref in _refs(value)]
    return []


def _resolve(document: dict[str, Any], ref: str) -> Any:
    assert ref.startswith("#/"), ref
    node: Any = document
    for part in ref[2:].split("/"):
        node = node[part]
    return node


def test_every_reference_in_the_asyncapi_document_resolves() -> None:
    document = asyncapi_document()

    refs = _refs(document)

    assert document["asyncapi"] == "3.0.0"
    assert len(refs) > 3 * len(EVENT_TYPES)
    for ref in refs:
        assert _resolve(document, ref) is not None


def test_each_event_type_is_a_message_on_the_stream_and_on_webhooks() -> None:
    document = asyncapi_document()

    for channel in ("events", "webhooks"):
        names = {
            _resolve(document, ref["$ref"])["name"]
            for ref in document["channels"][channel]["messages"].values()
        }
        assert names == set(EVENT_TYPES), channel
    assert "headers" in document["components"]["messages"]["InvoiceIssuedWebhook"]


@pytest.mark.parametrize("data", [invoice(), provisioned()], ids=lambda d: d.event_type)
def test_real_events_validate_against_the_published_schemas(data: Any) -> None:
    documents = event_documents()
    event = build_event(data, event_id="e-1", source="/process/test/v1", traceparent=None)
    envelope = event.model_dump(mode="json")
    data_schema = documents[event.dataschema.lstrip("/") if event.dataschema else ""]

    jsonschema.Draft202012Validator(documents["events/cloudevent.json"]).validate(envelope)
    jsonschema.Draft202012Validator(data_schema).validate(envelope["data"])
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(data_schema).validate({**envelope["data"], "x": 1})


def test_the_stream_and_webhook_message_payload_accepts_a_real_event() -> None:
    document = asyncapi_document()
    message = document["components"]["messages"]["InvoiceIssued"]
    # The payload's refs point into the document: validate with its components at the root.
    schema = {**message["payload"], "components": document["components"]}
    envelope = build_event(invoice(), event_id="e-2", source="/s", traceparent=None)
    validator = jsonschema.Draft202012Validator(schema)

    validator.validate(envelope.model_dump(mode="json"))
    with pytest.raises(jsonschema.ValidationError):
        validator.validate({**envelope.model_dump(mode="json"), "type": "revenue.posted"})


async def test_the_api_serves_the_event_types_and_the_asyncapi_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with events_gateway(tmp_path, monkeypatch) as gw:
        types = await gw.call("GET", "/event-types")
        served = await gw.call("GET", "/asyncapi.json")
        partner_view = await gw.call("GET", "/event-types", partner="C0032")

    assert served.json() == asyncapi_document()
    by_type = {t["type"]: t for t in types.json()}
    assert set(by_type) == set(EVENT_TYPES)
    assert by_type["invoice.issued"]["partner_subscribable"] is True
    assert by_type["worker.assignable"]["partner_subscribable"] is False
    assert by_type["invoice.issued"]["dataschema"] == "/events/invoice.issued.v1.json"
    assert partner_view.status_code == 200
