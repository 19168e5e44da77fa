"""The schema itself: its committed SDL, its scope map, its enums, its production profile."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import get_args

import httpx
import pytest
import strawberry

from contracts import billing, erp, hcm, psa
from gateway.graphql.schema import build_schema, print_sdl
from gateway.graphql.scopes import ScopeGuard
from gateway.graphql.types import enums
from gateway.openapi_export import GRAPHQL_SDL, export_texts
from gateway.policy.scopes import load_scope_policy
from policies import POLICY_DIR
from process_apis._runtime import exceptions, runs
from tests.gateway.graphql.offline import execute, page, psa_project

OPENAPI_DIR = Path(__file__).resolve().parents[3] / "openapi"


def test_the_committed_sdl_is_what_the_schema_prints() -> None:
    committed = (OPENAPI_DIR / GRAPHQL_SDL).read_text()
    assert committed == export_texts()[GRAPHQL_SDL], "run `make openapi` and commit the result"


def test_the_production_schema_prints_the_same_sdl() -> None:
    assert print_sdl(lambda: build_schema(production=True)) == print_sdl()


def _guards(schema: strawberry.Schema) -> list[tuple[str, ScopeGuard]]:
    found = []
    for type_ in schema._schema.type_map.values():
        for name, field in getattr(type_, "fields", {}).items():
            definition = field.extensions.get("strawberry-definition")
            for extension in getattr(definition, "extensions", None) or ():
                if isinstance(extension, ScopeGuard):
                    found.append((f"{type_.name}.{name}", extension))
    return found


def test_every_guarded_field_names_operations_and_scopes_the_policy_knows() -> None:
    policy = load_scope_policy(POLICY_DIR)
    guards = _guards(build_schema())
    assert len(guards) > 20  # the walk sees the schema's fields
    for field, guard in guards:
        assert set(guard.required(policy)) <= set(policy.scopes), field


def test_a_guarded_field_must_be_nullable() -> None:
    @strawberry.type
    class Bad:
        @strawberry.field(extensions=[ScopeGuard((), ["psa.rates:read"])])
        def secret(self) -> str:
            return "x"

    with pytest.raises(TypeError, match="must be nullable"):
        strawberry.Schema(query=Bad)


MIRRORS: list[tuple[type[Enum], tuple[str, ...]]] = [
    (enums.WorkerStatus, tuple(m.value for m in hcm.WorkerStatus)),
    (enums.EmploymentType, tuple(m.value for m in hcm.EmploymentType)),
    (enums.OrgUnitKind, tuple(m.value for m in hcm.OrgUnitKind)),
    (enums.ProjectStatus, get_args(psa.ProjectStatus)),
    (enums.ApprovalState, get_args(psa.ApprovalState)),
    (enums.InvoiceStatus, tuple(m.value for m in billing.InvoiceStatus)),
    (enums.JournalStatus, tuple(m.value for m in erp.JournalStatus)),
    (enums.JournalSide, tuple(m.value for m in erp.JournalSide)),
    (enums.RunStatus, tuple(m.value for m in runs.RunStatus)),
    (enums.ExceptionStatus, tuple(m.value for m in exceptions.ExceptionStatus)),
    (enums.ExceptionKind, tuple(m.value for m in exceptions.ExceptionKind)),
]


@pytest.mark.parametrize(("mirror", "values"), MIRRORS, ids=lambda m: getattr(m, "__name__", ""))
def test_graphql_enums_mirror_the_contracts(mirror: type[Enum], values: tuple[str, ...]) -> None:
    assert tuple(m.value for m in mirror) == values


def nothing(request: httpx.Request) -> httpx.Response:
    return page()


INTROSPECTION = "{ __schema { queryType { name } } }"


async def test_introspection_is_answered_outside_production() -> None:
    result = await execute(INTROSPECTION, nothing)
    assert result.errors is None
    assert result.data == {"__schema": {"queryType": {"name": "Query"}}}


async def test_introspection_is_refused_in_production() -> None:
    result = await execute(INTROSPECTION, nothing, schema=build_schema(production=True))
    assert result.data is None
    assert result.errors is not None
    assert "introspection" in result.errors[0].message.lower()


async def test_field_suggestions_are_given_only_outside_production() -> None:
    typo = "{ projets { edges { node { name } } } }"
    embedded = await execute(typo, nothing)
    production = await execute(typo, nothing, schema=build_schema(production=True))
    assert embedded.errors is not None
    assert production.errors is not None
    assert "Did you mean" in embedded.errors[0].message
    assert "Did you mean" not in production.errors[0].message


async def test_unexpected_errors_are_masked_and_ours_are_not() -> None:
    def broken(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/projects"):
            return page(psa_project("1"))
        # Not a problem document, nor a record: the client cannot parse it.
        return httpx.Response(200, json={"secret": "vendor detail"})

    query = "{ projects { edges { node { name customer { name } } } } }"
    result = await execute(query, broken)
    assert result.errors is not None
    (error,) = result.errors
    assert error.message == "Unexpected error."
    assert "vendor detail" not in str(error.formatted)
    assert error.path == ["projects", "edges", 0, "node", "customer"]
    assert result.data == {
        "projects": {"edges": [{"node": {"name": "Project 1", "customer": None}}]}
    }


async def test_a_system_api_refusal_is_named_not_masked() -> None:
    def busy(request: httpx.Request) -> httpx.Response:
        problem = {
            "type": "https://atrium.dev/problems/upstream-busy",
            "title": "Busy",
            "status": 503,
        }
        return httpx.Response(503, json=problem)

    result = await execute("{ projects { edges { node { name } } } }", busy)
    assert result.errors is not None
    assert result.errors[0].extensions == {
        "code": "upstream-busy",
        "type": "https://atrium.dev/problems/upstream-busy",
        "system": "psa",
    }
    assert result.data == {"projects": None}
