"""Query fields over the process APIs: flow runs, the exception queue, events and lineage.

`flowRuns` without `flow` merges the newest runs of every flow the caller may read (up to
`MERGED_WINDOW`; name a flow to page further back). `lineage(key: "name:value")` gathers
every run, exception and event indexed under one business key, plus the runs those
exceptions and events name, each list capped at `LINEAGE_LIMIT` (newest first).
"""

from __future__ import annotations

import asyncio
import re
from typing import Annotated

import strawberry
from strawberry import relay

from gateway.graphql.context import Info
from gateway.graphql.cost import Costed
from gateway.graphql.errors import ForbiddenError, InvalidInputError
from gateway.graphql.pagination import (
    DEFAULT_FIRST,
    After,
    Cursor,
    First,
    by_offset,
    check_first,
    connection_from_list,
    connection_from_pages,
)
from gateway.graphql.process import EVENTS, EXCEPTIONS, PAGE_LIMIT, flow_operation, flows_of
from gateway.graphql.scopes import guarded, require
from gateway.graphql.types.enums import ExceptionStatus, RunStatus
from gateway.graphql.types.operations import (
    Event,
    FlowRun,
    QueueException,
    valid_run_id,
)
from gateway.graphql.upstream import fetch
from process_apis._runtime.runs import RunView
from process_apis.events.listing import EventView
from process_apis.exceptions.views import ExceptionView

MERGED_WINDOW = PAGE_LIMIT
LINEAGE_LIMIT = 50
KEY = re.compile(r"[a-z_]{1,64}:.{1,200}")
KEY_HELP = "A business key 'name:value', e.g. 'project_code:PRJ-0034'."
KeyArgument = Annotated[str, strawberry.argument(description=KEY_HELP)]
LIST_EXCEPTIONS = (EXCEPTIONS, "listExceptions")
LIST_EVENTS = (EVENTS, "listEvents")


def business_key(key: str | None) -> str | None:
    """`key` checked as 'name:value'; an InvalidInputError otherwise."""
    if key is not None and KEY.fullmatch(key) is None:
        raise InvalidInputError(
            "validation-failed", "`key` is 'name:value', e.g. 'project_code:PRJ-0034'."
        )
    return key


def readable_flows(info: Info) -> list[str]:
    """The flows whose runs the caller may list."""
    context = info.context
    found = []
    for flow in flows_of(context.policy):
        version_key, operation_id = flow_operation(flow, "list")
        needed = context.policy.required(version_key, operation_id) or ()
        if set(needed) <= context.principal.scopes:
            found.append(flow)
    return found


def chosen_flows(info: Info, flow: str | None) -> list[str]:
    """[flow] if the caller may list its runs, else every flow it may list; refused if none."""
    if flow is None:
        flows = readable_flows(info)
        if not flows:
            raise ForbiddenError(
                "insufficient-scope", "The token may read the runs of no flow (process.*:read)."
            )
        return flows
    if flow not in flows_of(info.context.policy):
        known = ", ".join(flows_of(info.context.policy))
        raise InvalidInputError("validation-failed", f"`flow` is one of: {known}.")
    require(info, flow_operation(flow, "list"))
    return [flow]


def newest_first(runs: list[RunView]) -> list[RunView]:
    return sorted(runs, key=lambda r: (-r.created_at.timestamp(), r.id))


async def _runs_of_flows(
    info: Info, flows: list[str], *, status: str | None, key: str | None, limit: int
) -> list[RunView]:
    client = info.context.upstream.process
    keys = [key] if key else []
    pages = await asyncio.gather(
        *(
            fetch("process", client.list_runs(f, keys=keys, status=status, limit=limit))
            for f in flows
        )
    )
    return newest_first([run for page in pages for run in page.items])


async def flow_runs_connection(
    info: Info,
    *,
    flow: str | None,
    status: RunStatus | None,
    key: str | None,
    first: int,
    after: str | None,
) -> relay.Connection[FlowRun]:
    flows = chosen_flows(info, flow)
    wanted = None if status is None else status.value
    client = info.context.upstream.process
    if len(flows) == 1:
        keys = [key] if key else []
        name = flows[0]
        return await connection_from_pages(
            "process",
            by_offset(
                lambda o, n: client.list_runs(name, keys=keys, status=wanted, limit=n, offset=o)
            ),
            FlowRun.of,
            first=first,
            after=after,
        )
    check_first(first)
    skip = Cursor.decode(after).skip
    if skip + first > MERGED_WINDOW:
        raise InvalidInputError(
            "validation-failed",
            f"Across flows the newest {MERGED_WINDOW} runs are listed; name a `flow` to go on.",
        )
    limit = min(PAGE_LIMIT, skip + first + 1)  # one more tells whether a next page exists
    runs = await _runs_of_flows(info, flows, status=wanted, key=key, limit=limit)
    return connection_from_list(runs, FlowRun.of, first=first, after=after)


@strawberry.type(description="Everything that touched one business key: runs, exceptions, events.")
class Lineage:
    key: str
    name: str
    value: str

    async def _exceptions(self, info: Info) -> list[ExceptionView]:
        async def read() -> list[ExceptionView]:
            client = info.context.upstream.process
            page = await fetch(
                "process", client.list_exceptions(keys=[self.key], limit=LINEAGE_LIMIT)
            )
            return page.items

        return await info.context.loaders.once(("lineage-exceptions", self.key), read)

    async def _events(self, info: Info) -> list[EventView]:
        async def read() -> list[EventView]:
            client = info.context.upstream.process
            page = await fetch("process", client.list_events(key=self.key, limit=LINEAGE_LIMIT))
            return page.items

        return await info.context.loaders.once(("lineage-events", self.key), read)

    async def _named_runs(self, info: Info) -> set[str]:
        """Runs the key's exceptions and events name (those the caller may see)."""
        named: set[str] = set()
        principal = info.context.principal
        for operation, read in (
            (LIST_EXCEPTIONS, self._exceptions),
            (LIST_EVENTS, self._events),
        ):
            needed = info.context.policy.required(*operation) or ()
            if set(needed) <= principal.scopes:
                named |= {r.run_id for r in await read(info) if r.run_id}
        return named

    @guarded(
        description=f"Runs indexed under the key or named by its exceptions and events, newest "
        f"first (up to {LINEAGE_LIMIT}); ask for `steps` to see each step's upstream ids.",
        extensions=[Costed(fanout=LINEAGE_LIMIT)],
    )
    async def runs(self, info: Info) -> list[FlowRun] | None:
        flows = chosen_flows(info, None)
        indexed = await _runs_of_flows(info, flows, status=None, key=self.key, limit=LINEAGE_LIMIT)
        known = {r.id for r in indexed}
        extra = sorted(
            r for r in await self._named_runs(info) if r not in known and valid_run_id(r)
        )
        readable = set(flows)
        extra = [r for r in extra if r.partition(":")[0] in readable]
        loaded = await info.context.loaders.run.load_many(extra)
        found = newest_first(indexed + [r for r in loaded if r is not None])
        return [FlowRun.of(r) for r in found[:LINEAGE_LIMIT]]

    @guarded(
        LIST_EXCEPTIONS,
        description=f"Exceptions naming the key, newest first (up to {LINEAGE_LIMIT}).",
        extensions=[Costed(fanout=LINEAGE_LIMIT)],
    )
    async def exceptions(self, info: Info) -> list[QueueException] | None:
        return [QueueException.of(e) for e in await self._exceptions(info)]

    @guarded(
        LIST_EVENTS,
        description=f"Events naming the key, newest first (up to {LINEAGE_LIMIT}).",
        extensions=[Costed(fanout=LINEAGE_LIMIT)],
    )
    async def events(self, info: Info) -> list[Event] | None:
        return [Event.of(e) for e in await self._events(info)]


@strawberry.type
class OperationsQuery:
    """The Query fields over flow runs, exceptions and events (merged into `Query`)."""

    @guarded(
        description="Flow runs, newest first: one flow's, or the newest of every flow you may "
        f"read (up to {MERGED_WINDOW})."
    )
    async def flow_runs(  # noqa: PLR0917
        self,
        info: Info,
        first: First = DEFAULT_FIRST,
        after: After = None,
        flow: Annotated[str | None, strawberry.argument(description="e.g. 'time-to-cash'.")] = None,
        status: RunStatus | None = None,
        key: Annotated[str | None, strawberry.argument(description=KEY_HELP)] = None,
    ) -> relay.Connection[FlowRun] | None:
        return await flow_runs_connection(
            info, flow=flow, status=status, key=business_key(key), first=first, after=after
        )

    @guarded(LIST_EXCEPTIONS, description="The exception queue, newest first.")
    async def exceptions(  # noqa: PLR0917
        self,
        info: Info,
        first: First = DEFAULT_FIRST,
        after: After = None,
        status: ExceptionStatus | None = None,
        owner: str | None = None,
        key: Annotated[str | None, strawberry.argument(description=KEY_HELP)] = None,
    ) -> relay.Connection[QueueException] | None:
        client = info.context.upstream.process
        wanted = None if status is None else status.value
        keys = [k] if (k := business_key(key)) else []
        return await connection_from_pages(
            "process",
            by_offset(
                lambda o, n: client.list_exceptions(
                    status=wanted, owner=owner, keys=keys, limit=n, offset=o
                )
            ),
            QueueException.of,
            first=first,
            after=after,
        )

    @guarded(LIST_EVENTS, description="Recorded events, newest first.")
    async def events(
        self,
        info: Info,
        first: First = DEFAULT_FIRST,
        after: After = None,
        event_type: Annotated[
            str | None, strawberry.argument(name="type", description="e.g. 'invoice.issued'.")
        ] = None,
        key: Annotated[str | None, strawberry.argument(description=KEY_HELP)] = None,
    ) -> relay.Connection[Event] | None:
        client = info.context.upstream.process
        wanted = business_key(key)
        return await connection_from_pages(
            "process",
            by_offset(
                lambda o, n: client.list_events(
                    event_type=event_type, key=wanted, limit=n, offset=o
                )
            ),
            Event.of,
            first=first,
            after=after,
        )

    @guarded(
        description="Every run (with steps and upstream ids), exception and event that touched "
        "a business key."
    )
    def lineage(self, key: KeyArgument) -> Lineage | None:
        checked = business_key(key)
        assert checked is not None
        name, _, value = checked.partition(":")
        return Lineage(key=checked, name=name, value=value)
