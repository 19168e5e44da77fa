"""The console's page and assets: served without a token, locked down by their headers."""

from __future__ import annotations

import httpx
import pytest

from gateway.app import create_app
from gateway.console import CONTENT_SECURITY_POLICY
from gateway.console.documents import DOCUMENTS
from gateway.graphql.endpoint import GraphQLEndpoint
from gateway.settings import GatewaySettings
from tests.fixtures.apps import serving


@pytest.mark.parametrize(
    ("path", "media_type"),
    [
        ("/console", "text/html"),
        ("/console/console.js", "text/javascript"),
        ("/console/console.css", "text/css"),
        ("/console/documents.json", "application/json"),
    ],
)
async def test_each_part_is_served_with_its_type_and_security_headers(
    client: httpx.AsyncClient, path: str, media_type: str
) -> None:
    response = await client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(media_type)
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    head = await client.head(path)
    assert head.status_code == 200
    assert head.content == b""


def test_the_policy_allows_this_origin_only() -> None:
    directives = dict(d.split(" ", 1) for d in CONTENT_SECURITY_POLICY.split("; "))
    assert directives["default-src"] == "'none'"
    assert directives["script-src"] == "'self'"  # no inline script, no eval
    assert directives["connect-src"] == "'self'"  # fetches and the socket: this gateway only
    assert directives["frame-ancestors"] == "'none'"


async def test_every_document_the_console_names_is_trusted_by_the_gateway(
    settings: GatewaySettings,
) -> None:
    app = create_app(settings)
    async with serving(app) as client:
        hashes = (await client.get("/console/documents.json")).json()
    assert set(hashes) == set(DOCUMENTS)
    endpoint: GraphQLEndpoint = app.state.graphql
    for name, sha256 in hashes.items():
        assert endpoint.trusted.by_hash[sha256] == DOCUMENTS[name]


async def test_anything_else_under_console_is_a_404_problem(client: httpx.AsyncClient) -> None:
    response = await client.get("/console/../oauth/token%00.js")
    assert response.status_code in (404, 405)
    response = await client.get("/console/app.js")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
