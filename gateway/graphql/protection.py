"""What keeps one GraphQL operation from costing the system APIs too much, or saying too much.

Before execution: token, alias and depth limits (parse and validation) and the cost rule
(`cost.py`), so a refused operation makes no upstream call. In production introspection and
"did you mean" field suggestions are off. During execution: errors that are not ours are
masked (`errors.should_mask`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from strawberry.extensions import (
    DisableIntrospection,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)

from gateway.graphql.cost import CostLimiter
from gateway.graphql.errors import should_mask

ExtensionFactory = type[SchemaExtension] | Callable[[], SchemaExtension]


@dataclass(frozen=True, slots=True)
class Limits:
    """The budget of one operation."""

    max_depth: int = 12  # projects.edges.node.assignments.edges.node.worker.orgUnit.name is 9
    max_aliases: int = 20
    max_tokens: int = 2_000
    max_cost: int = 25_000


def protection(limits: Limits, *, production: bool) -> list[ExtensionFactory]:
    """The schema extensions, as factories (strawberry builds them afresh per operation)."""
    factories: list[ExtensionFactory] = [
        partial(MaxTokensLimiter, max_token_count=limits.max_tokens),
        partial(MaxAliasesLimiter, max_alias_count=limits.max_aliases),
        partial(QueryDepthLimiter, max_depth=limits.max_depth),
        partial(CostLimiter, max_cost=limits.max_cost),
        partial(MaskErrors, should_mask_error=should_mask),
    ]
    if production:
        factories.append(DisableIntrospection)
    return factories
