"""The schema without a gateway: a context whose system APIs are an httpx MockTransport.

result = await execute("{ projects { edges { node { name } } } }", answer, scopes={...})
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import httpx
import strawberry

from gateway.graphql.context import Context
from gateway.graphql.loaders import Loaders
from gateway.graphql.schema import build_schema
from gateway.graphql.upstream import Upstream
from gateway.oauth.rfc9068_tokens import Principal
from gateway.policy.scopes import load_scope_policy
from policies import POLICY_DIR

Answer = Callable[[httpx.Request], httpx.Response]


def offline_context(answer: Answer, scopes: Iterable[str] | None = None) -> Context:
    """A context over mocked system APIs, for a caller holding `scopes` (default: all)."""
    policy = load_scope_policy(POLICY_DIR)
    principal = Principal(
        issuer="https://issuer.test",
        subject="offline",
        client_id="offline",
        scopes=frozenset(policy.scopes if scopes is None else scopes),
        jti="offline",
        expires_at=0,
    )

    def client_for(base_path: str) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            transport=httpx.MockTransport(answer), base_url=f"http://apis.test{base_path}/"
        )

    upstream = Upstream(client_for)
    return Context(principal=principal, policy=policy, upstream=upstream, loaders=Loaders(upstream))


async def execute(
    query: str,
    answer: Answer,
    *,
    scopes: Iterable[str] | None = None,
    schema: strawberry.Schema | None = None,
    variables: dict[str, Any] | None = None,
) -> strawberry.types.ExecutionResult:
    context = offline_context(answer, scopes)
    try:
        return await (schema or build_schema()).execute(
            query, variable_values=variables, context_value=context
        )
    finally:
        await context.upstream.aclose()


def page(*items: dict[str, Any], next_cursor: str | None = None) -> httpx.Response:
    return httpx.Response(200, json={"items": list(items), "next_cursor": next_cursor})


PROVENANCE = {"system": "harvest", "remote_id": "1"}


def psa_project(project_id: str, **fields: Any) -> dict[str, Any]:
    """A PSA project as the system API renders it."""
    return {
        "id": project_id,
        "provenance": PROVENANCE,
        "project_code": f"PRJ-{project_id}",
        "name": f"Project {project_id}",
        "customer_id": "7",
        "customer_number": "C0007",
        "legal_entity": "NL01",
        "currency": "EUR",
        "status": "active",
        "billable": True,
        **fields,
    }
