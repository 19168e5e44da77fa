"""Scopes per operation: the dependency every route of a version app carries.

The policy names operations by OpenAPI operationId. FastAPI matches a request to the
*original* route object (one router can be included several times, under other
prefixes and ids), so the requirement is resolved per route object when the app is
built: a route included twice needs the union of its requirements, and none at all if
any inclusion lacks a policy.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass

from fastapi import FastAPI, Request
from fastapi.routing import APIRoute, iter_route_contexts
from starlette.routing import BaseRoute

from contracts.policies import ScopePolicy
from contracts.problems import ProblemError
from gateway.oauth.rfc6750_bearer import check_scopes, current_principal

_log = logging.getLogger("atrium.scopes")


@dataclass(frozen=True, slots=True)
class Operation:
    """One operation of a version app and what the policy requires for it."""

    operation_id: str
    methods: tuple[str, ...]
    path: str
    scopes: tuple[str, ...] | None  # None: the policy does not cover it

    def __str__(self) -> str:
        return f"{'/'.join(self.methods)} {self.path} ({self.operation_id})"


def _operations_by_route(
    routes: list[BaseRoute], version_key: str, policy: ScopePolicy
) -> Iterator[tuple[BaseRoute, Operation]]:
    for context in iter_route_contexts(routes):
        original = context.original_route
        if not isinstance(original, APIRoute):
            continue
        operation_id = context.operation_id or context.unique_id
        yield (
            original,
            Operation(
                operation_id=operation_id,
                methods=tuple(sorted(context.methods or ())),
                path=str(context.path_format),
                scopes=policy.required(version_key, operation_id),
            ),
        )


def list_operations(app: FastAPI, version_key: str, policy: ScopePolicy) -> list[Operation]:
    """Every operation `app` serves, with the scopes the policy requires for it."""
    return [op for _, op in _operations_by_route(app.routes, version_key, policy)]


def _merge(current: tuple[str, ...] | None, more: tuple[str, ...] | None) -> tuple[str, ...] | None:
    if current is None or more is None:
        return None
    return tuple(dict.fromkeys((*current, *more)))


class OperationScopes:
    """FastAPI dependency: the caller's token must hold the scopes of the matched operation."""

    def __init__(self, version_key: str, policy: ScopePolicy) -> None:
        self.version_key = version_key
        self.policy = policy
        self.by_operation_id: dict[str, tuple[str, ...] | None] = {}
        # By id(): routes define __eq__ without __hash__; they live as long as the app.
        self._by_route: dict[int, tuple[str, ...] | None] = {}

    def bind(self, app: FastAPI) -> None:
        """Resolve every route of `app` against the policy; log the ones it does not cover."""
        for route, operation in _operations_by_route(app.routes, self.version_key, self.policy):
            self.by_operation_id[operation.operation_id] = operation.scopes
            key = id(route)
            known = key in self._by_route
            merged = _merge(self._by_route[key], operation.scopes) if known else operation.scopes
            self._by_route[key] = merged
            if operation.scopes is None:
                _log.warning(
                    "operation has no scope policy; it will answer 403",
                    extra={"api_version": self.version_key, "operation": str(operation)},
                )

    async def __call__(self, request: Request) -> None:
        required = self._by_route.get(id(request.scope.get("route")))
        if required is None:
            _log.warning(
                "refused an operation without a scope policy",
                extra={"api_version": self.version_key, "path": request.url.path},
            )
            raise ProblemError(
                "no-scope-policy",
                "No scope policy covers this operation, so it is refused; "
                f"add it to scopes.yaml under {self.version_key}.",
            )
        check_scopes(await current_principal(request), required)
