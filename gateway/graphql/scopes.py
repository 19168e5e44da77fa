"""Field-level authorization: a field needs the scopes of the REST operations it stands for.

Scopes are looked up in `policies/scopes.yaml` when the field resolves, by the operation ids
REST already guards (`psa("listProjects")`), so a field and its REST operation can never
disagree. Sensitive values (cost rates, compensation, margins) name their scope directly.
A guarded field is nullable: without the scope it is null, with an `insufficient-scope` error
at its path, and no upstream call is made for it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import strawberry
from strawberry.extensions import FieldExtension
from strawberry.types.base import StrawberryOptional
from strawberry.types.field import StrawberryField

from contracts.policies import ScopePolicy
from gateway.graphql.context import Info
from gateway.graphql.errors import ForbiddenError, missing_scopes

Operation = tuple[str, str]  # (API version key, operationId)


def hcm(operation_id: str) -> Operation:
    return ("system/hcm/v1", operation_id)


def psa(operation_id: str) -> Operation:
    return ("system/psa/v1", operation_id)


def erp(operation_id: str) -> Operation:
    return ("system/erp/v1", operation_id)


def billing(operation_id: str) -> Operation:
    return ("system/billing/v1", operation_id)


class ScopeGuard(FieldExtension):
    """Refuse the field unless the token holds every scope its operations require."""

    def __init__(self, operations: Sequence[Operation], scopes: Sequence[str] = ()) -> None:
        self.operations = tuple(operations)
        self.scopes = tuple(scopes)

    def apply(self, field: StrawberryField) -> None:
        if not isinstance(field.type, StrawberryOptional):
            raise TypeError(f"{field.python_name}: a field guarded by scopes must be nullable")

    def required(self, policy: ScopePolicy) -> tuple[str, ...]:
        """Every scope the field needs under `policy`; refused when an operation has none."""
        needed = list(self.scopes)
        for version_key, operation_id in self.operations:
            scopes = policy.required(version_key, operation_id)
            if scopes is None:
                raise ForbiddenError(
                    "no-scope-policy", f"No scope policy covers {version_key} {operation_id}."
                )
            needed += scopes
        return tuple(dict.fromkeys(needed))

    def check(self, info: Info) -> None:
        context = info.context
        missing = [s for s in self.required(context.policy) if s not in context.principal.scopes]
        if missing:
            raise missing_scopes(missing)

    def resolve(self, next_: Callable[..., Any], source: Any, info: Info, **kwargs: Any) -> Any:
        self.check(info)
        return next_(source, info, **kwargs)

    async def resolve_async(
        self, next_: Callable[..., Awaitable[Any]], source: Any, info: Info, **kwargs: Any
    ) -> Any:
        self.check(info)
        return await next_(source, info, **kwargs)


def require(info: Info, *operations: Operation) -> None:
    """Check a resolver's scopes by hand (where no field carries them, e.g. `node(id)`)."""
    ScopeGuard(operations).check(info)


def needs(*operations: Operation, scopes: Sequence[str] = ()) -> list[FieldExtension]:
    """The `extensions=` of a field standing for these REST operations (and extra scopes)."""
    return [ScopeGuard(operations, scopes)]


def guarded(
    *operations: Operation,
    scopes: Sequence[str] = (),
    description: str | None = None,
    extensions: Sequence[FieldExtension] = (),
) -> Callable[[Callable[..., Any]], StrawberryField]:
    """`@strawberry.field(...)` for a resolver, guarded when it names operations or scopes.

    `extensions` run inside the guard (e.g. `cost.Costed`, which only informs the cost rule).
    """
    guard = needs(*operations, scopes=scopes) if operations or scopes else []

    def decorate(resolver: Callable[..., Any]) -> StrawberryField:
        return strawberry.field(resolver, description=description, extensions=[*guard, *extensions])

    return decorate
