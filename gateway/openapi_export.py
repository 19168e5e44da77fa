"""Every OpenAPI document exactly as the running gateway serves it, and the event contracts."""

from __future__ import annotations

import json
from typing import Any

import httpx
from fastapi import FastAPI

from contracts.registry import Lifecycle
from gateway.app import create_app
from gateway.graphql.schema import print_sdl
from gateway.registry.catalog import Catalog
from gateway.settings import GatewaySettings
from process_apis.events.asyncapi import event_documents

GRAPHQL_SDL = "graphql/schema.graphql"


async def export_documents(settings: GatewaySettings) -> dict[str, dict[str, Any]]:
    """Relative file path -> document: OpenAPI for the gateway and each in-process version,
    JSON Schema and AsyncAPI for the events (`events/…`)."""
    app = create_app(settings)
    catalog: Catalog = app.state.catalog
    documents = {"gateway.json": await _fetch(app, "/openapi.json")}
    for api in catalog.apis:
        for version in api.versions:
            if version.served_by == "in-process" and version.lifecycle is not Lifecycle.RETIRED:
                path = f"{api.kind}/{api.name}/{version.version}.json"
                documents[path] = await _fetch(app, f"{version.base_path}/openapi.json")
    return documents | event_documents()


def export_texts() -> dict[str, str]:
    """Relative file path -> text, for the contracts that are not JSON: the GraphQL SDL."""
    return {GRAPHQL_SDL: print_sdl()}


def render_document(document: dict[str, Any]) -> str:
    """The committed text form of a document: stable key order, one trailing newline."""
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


async def _fetch(app: FastAPI, path: str) -> dict[str, Any]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://atrium.invalid") as client:
        response = await client.get(path)
        response.raise_for_status()
        document: dict[str, Any] = response.json()
        return document
