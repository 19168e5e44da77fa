"""One gateway over all four seeded sandboxes for the GraphQL tests, and a GraphQL caller.

    async def test_x(gql: GraphQLClient) -> None:
        with gql.counting() as calls:                   # every system-API request it makes
            data = await gql.data("firm", "{ projects { edges { node { name } } } }")
        assert calls.by_endpoint() == {"psa /projects": 1}

Callers are those of `tests.fixtures.partners` ("firm", "a", "b", "a-plain") plus "firm-plain"
(the firm without the sensitive scopes), "firm-standard" (the firm on the `standard`
rate-limit tier, not `internal`), "no-projects" (the firm without psa.projects:read),
"no-margins" (the firm without psa.margins:read) and "no-process" (the firm without any
process.* scope). Flows run in this gateway too (`start_time_to_cash`, `wait_for_run`); the
vendors' books behind it are `gql.books`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio

from gateway.graphql.endpoint import GraphQLEndpoint
from gateway.policy.scopes import load_scope_policy
from gateway.settings import GatewaySettings
from tests.fixtures.apps import issue_token
from tests.fixtures.flows_time_to_cash import Books, poll
from tests.fixtures.partners import SENSITIVE_SCOPES, PartnerGateway, partner_gateway

A, B = "C0032", "C0031"  # two customers of the demo firm, both of legal entity NL01
MARGINS = "psa.margins:read"
TIME_TO_CASH = "process/time-to-cash/v1"
_ID = re.compile(r"/\d+(?=/|$)")


@dataclass
class Calls:
    """System-API requests seen while counting, in order."""

    requests: list[httpx.Request] = field(default_factory=list)

    def by_endpoint(self) -> Counter[str]:
        """'psa /projects' -> count; numeric ids in paths become {id}."""
        counts: Counter[str] = Counter()
        for request in self.requests:
            _, _kind, system, _version, *rest = request.url.path.split("/")
            counts[f"{system} " + _ID.sub("/{id}", "/" + "/".join(rest))] += 1
        return counts

    def __len__(self) -> int:
        return len(self.requests)


@dataclass
class GraphQLClient:
    """Posts operations to /graphql as one of the gateway's callers."""

    gateway: PartnerGateway

    @property
    def endpoint(self) -> GraphQLEndpoint:
        endpoint: GraphQLEndpoint = self.gateway.app.state.graphql
        return endpoint

    async def post(
        self, who: str, query: str, variables: dict[str, Any] | None = None
    ) -> httpx.Response:
        self.gateway.reset_vendor_limits()
        headers = {"Authorization": f"Bearer {self.gateway.tokens[who]}"}
        body = {"query": query, "variables": variables or {}}
        return await self.gateway.http.post("/graphql", json=body, headers=headers)

    async def run(
        self, who: str, query: str, variables: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """The whole GraphQL response (data and errors) of a 200 answer."""
        response = await self.post(who, query, variables)
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result

    async def data(
        self, who: str, query: str, variables: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """The data of an answer that must have no errors."""
        result = await self.run(who, query, variables)
        assert "errors" not in result, result["errors"]
        data: dict[str, Any] = result["data"]
        return data

    @property
    def books(self) -> Books:
        return Books(self.gateway.sandboxes)

    async def start_time_to_cash(self, project_code: str, period: str) -> str:
        """Start (as the firm) the time-to-cash run of a project and month; its run id."""
        body = {"project_code": project_code, "billing_period": period}
        response = await self.gateway.call("firm", "POST", TIME_TO_CASH, "/runs", json=body)
        assert response.status_code == 202, response.text
        return str(response.json()["id"])

    async def run_view(self, run_id: str) -> dict[str, Any]:
        """The run as the time-to-cash REST API shows it."""
        found: dict[str, Any] = await self.gateway.read(TIME_TO_CASH, f"/runs/{run_id}")
        return found

    async def wait_for_run(self, run_id: str, *statuses: str) -> dict[str, Any]:
        """The run once its status is one of `statuses` (polled with a deadline)."""
        return await poll(lambda: self.run_view(run_id), lambda v: v["status"] in statuses)

    @contextmanager
    def counting(self) -> Iterator[Calls]:
        calls = Calls()

        async def record(request: httpx.Request) -> None:
            calls.requests.append(request)

        self.endpoint.upstream_hooks.append(record)
        try:
            yield calls
        finally:
            self.endpoint.upstream_hooks.remove(record)


async def _token(gw: PartnerGateway, root: Path, scopes: list[str], tier: str = "internal") -> str:
    settings = GatewaySettings(data_dir=root / "var", policy_dir=root / "policies")
    return await issue_token(gw.http, settings, scopes, tier=tier)


@pytest_asyncio.fixture(scope="package", loop_scope="package")
async def gql(
    tmp_path_factory: pytest.TempPathFactory, _sandbox_templates: tuple[dict[str, Path], Path]
) -> AsyncIterator[GraphQLClient]:
    root = tmp_path_factory.mktemp("graphql")
    async with partner_gateway(root, _sandbox_templates, (A, B)) as gw:
        every = sorted(load_scope_policy(root / "policies").scopes)
        plain = [s for s in every if s not in (*SENSITIVE_SCOPES, MARGINS)]
        gw.tokens["firm-plain"] = await _token(gw, root, plain)
        gw.tokens["no-projects"] = await _token(
            gw, root, [s for s in every if s != "psa.projects:read"]
        )
        gw.tokens["no-margins"] = await _token(gw, root, [s for s in every if s != MARGINS])
        gw.tokens["no-process"] = await _token(
            gw, root, [s for s in every if not s.startswith("process.")]
        )
        gw.tokens["firm-standard"] = await _token(gw, root, every, tier="standard")
        yield GraphQLClient(gw)
