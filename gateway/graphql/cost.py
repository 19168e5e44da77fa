"""The cost rule: how many records an operation may read, checked before any resolver runs.

A field that stands for a REST operation (it reads a system API; see `scopes.guarded`) counts
once per time it can be resolved, and a connection multiplies what is under it by its `first`
(the schema's default when omitted), so

    projects(first: 100) { edges { node {
        customer { name }
        assignments(first: 50) { edges { node { worker { id } } } } } } }

costs 100 (projects) + 100 (customers) + 100·50 (assignments) + 100·50 (workers) = 10,200.
Values that come with a record (money, lines, provenance), connection plumbing and scalars are
free. Fields whose cost the scope guards cannot tell declare it with `Costed`: one that reads
an API although its scopes are checked by hand (a run's `steps`), a bounded list that
multiplies what is under it like a connection (`lineage.runs`, up to 50), or a dashboard
that reads whole collections (`weight`: the records it reads, roughly). An operation over
the budget, or with a `first` outside 1..MAX_FIRST, is answered with one error and no data:
no resolver runs, so no API is called.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from graphql import (
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLInt,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionNode,
    Undefined,
    get_named_type,
    get_operation_ast,
    is_composite_type,
    value_from_ast,
)
from graphql.execution.values import get_variable_values
from strawberry.extensions import FieldExtension, SchemaExtension

from gateway.graphql.errors import BAD_REQUEST
from gateway.graphql.pagination import MAX_FIRST
from gateway.graphql.scopes import ScopeGuard

Composite = GraphQLObjectType | GraphQLInterfaceType


class Costed(FieldExtension):
    """What resolving a field costs, where its scope guard cannot say (it changes nothing else).

    `reads`: each resolution reads an API. `fanout`: the field is a list of at most that many
    records, each counted, multiplying what is under it. `weight`: further records each
    resolution reads (a dashboard's collections), added to its own count.
    """

    def __init__(self, *, reads: bool = True, fanout: int = 1, weight: int = 0) -> None:
        self.reads = reads
        self.fanout = fanout
        self.weight = weight

    def resolve(self, next_: Callable[..., Any], source: Any, info: Any, **kwargs: Any) -> Any:
        return next_(source, info, **kwargs)

    async def resolve_async(
        self, next_: Callable[..., Awaitable[Any]], source: Any, info: Any, **kwargs: Any
    ) -> Any:
        return await next_(source, info, **kwargs)


def _extensions(field: GraphQLField) -> Sequence[FieldExtension]:
    definition = field.extensions.get("strawberry-definition")
    return getattr(definition, "extensions", None) or ()


def _costed(field: GraphQLField) -> Costed | None:
    return next((e for e in _extensions(field) if isinstance(e, Costed)), None)


def _reads_upstream(field: GraphQLField) -> bool:
    """Whether resolving the field reads an API (a REST operation it stands for, or `Costed`)."""
    return any(
        (isinstance(e, ScopeGuard) and e.operations) or (isinstance(e, Costed) and e.reads)
        for e in _extensions(field)
    )


@dataclass
class _Walk:
    schema: GraphQLSchema
    fragments: Mapping[str, FragmentDefinitionNode]
    variables: Mapping[str, Any]
    root: GraphQLObjectType
    bad_first: list[int]

    def first_of(self, field: GraphQLField, node: FieldNode) -> int:
        """The `first` a connection field will use: its argument, else the schema default."""
        value: Any = Undefined
        for argument in node.arguments or ():
            if argument.name.value == "first":
                value = value_from_ast(argument.value, GraphQLInt, dict(self.variables))
        if value is Undefined or value is None:
            default = field.args["first"].default_value if "first" in field.args else None
            value = default if isinstance(default, int) else MAX_FIRST
        if not 1 <= value <= MAX_FIRST:
            self.bad_first.append(value)
        return int(value)

    def cost(self, selections: Sequence[SelectionNode], parent: Composite, times: int) -> int:
        total = 0
        for selection in selections:
            if isinstance(selection, FieldNode):
                total += self.field_cost(selection, parent, times)
            elif isinstance(selection, InlineFragmentNode):
                kind = selection.type_condition
                inner = self.schema.get_type(kind.name.value) if kind else parent
                total += self.cost(
                    selection.selection_set.selections, cast(Composite, inner), times
                )
            elif isinstance(selection, FragmentSpreadNode):
                fragment = self.fragments[selection.name.value]
                inner = self.schema.get_type(fragment.type_condition.name.value)
                total += self.cost(fragment.selection_set.selections, cast(Composite, inner), times)
        return total

    def field_cost(self, node: FieldNode, parent: Composite, times: int) -> int:
        field = parent.fields.get(node.name.value)
        target = get_named_type(field.type) if field else None
        if field is None or node.selection_set is None or not is_composite_type(target):
            return 0  # scalars, __typename; unknown fields were refused by validation
        inner = cast(Composite, target)
        costed = _costed(field)
        extra = costed.weight * times if costed is not None else 0
        if inner.name.endswith("Connection") and "first" in field.args:
            times *= self.first_of(field, node)
            own = times
        elif costed is not None and costed.fanout > 1:
            times *= costed.fanout
            own = times
        else:
            own = times if _reads_upstream(field) or parent is self.root else 0
        return own + extra + self.cost(node.selection_set.selections, inner, times)


def operation_cost(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    variables: Mapping[str, Any],
) -> tuple[int, list[int]]:
    """(cost, every `first` outside 1..MAX_FIRST) of one operation."""
    values = get_variable_values(schema, operation.variable_definitions or (), dict(variables))
    # Variables that do not coerce fail the operation anyway (graphql-core reports them).
    known = {} if isinstance(values, list) else values.coerced
    root = schema.get_root_type(operation.operation)
    if root is None:
        return 0, []
    walk = _Walk(schema, fragments, known, root, [])
    return walk.cost(operation.selection_set.selections, root, 1), walk.bad_first


def _refusal(message: str, **extensions: Any) -> ExecutionResult:
    refused = GraphQLError(message, extensions={**extensions, **BAD_REQUEST})
    return ExecutionResult(data=None, errors=[refused])


class CostLimiter(SchemaExtension):
    """Refuse operations whose cost is over `max_cost` before they execute."""

    def __init__(self, max_cost: int) -> None:
        self.max_cost = max_cost

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        operation = get_operation_ast(document, context.operation_name) if document else None
        if document is not None and operation is not None:
            fragments = {
                d.name.value: d
                for d in document.definitions
                if isinstance(d, FragmentDefinitionNode)
            }
            schema = context.schema._schema
            cost, bad_first = operation_cost(schema, operation, fragments, context.variables or {})
            if bad_first:
                context.result = _refusal(
                    f"`first` must be between 1 and {MAX_FIRST}.", code="validation-failed"
                )
            elif cost > self.max_cost:
                context.result = _refusal(
                    f"The operation may return {cost} records; the limit is {self.max_cost}. "
                    "Ask for fewer (smaller `first`, less nesting).",
                    code="cost-limit-exceeded",
                    cost=cost,
                    limit=self.max_cost,
                )
        yield
