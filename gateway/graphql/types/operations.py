"""Operational records from the process APIs: flow runs and their steps, exceptions, events.

Each is a Relay node read with the caller's token through the edge. A run's step history
and an exception's audit trail come only with the one-object read, so those fields cost one
call per record (counted by the cost rule through `Costed`), made concurrently by the loaders.
A run's scopes depend on its flow (`process.<flow>:read`), so they are checked by hand.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from gateway.graphql.context import Info
from gateway.graphql.cost import Costed
from gateway.graphql.process import EVENTS, EXCEPTIONS, flow_of_run, flow_operation
from gateway.graphql.scopes import guarded, require
from gateway.graphql.types.enums import ExceptionKind, ExceptionStatus, RunStatus
from process_apis._runtime.runs import RunView, StepView
from process_apis.events.listing import EventView
from process_apis.exceptions.views import AuditEntry as AuditRecord
from process_apis.exceptions.views import ExceptionView

RUN_ID = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*:[^/?#\s]{1,190}")
EXCEPTION_ID = re.compile(r"exc-[A-Za-z0-9._-]{1,60}")
GET_EXCEPTION = (EXCEPTIONS, "getException")
LIST_EVENTS = (EVENTS, "listEvents")


def valid_run_id(run_id: str) -> bool:
    return RUN_ID.fullmatch(run_id) is not None


def valid_exception_id(exception_id: str) -> bool:
    return EXCEPTION_ID.fullmatch(exception_id) is not None


def require_runs(info: Info, run_ids: Iterable[str]) -> None:
    """The caller may read runs of every flow among `run_ids`."""
    for flow in sorted({flow_of_run(r) for r in run_ids}):
        require(info, flow_operation(flow, "get"))


async def load_run(info: Info, run_id: str | None) -> FlowRun | None:
    """One run with its steps, if the caller may read its flow; None for an unknown id."""
    if run_id is None or not valid_run_id(run_id):
        return None
    require_runs(info, [run_id])
    view = await info.context.loaders.run.load(run_id)
    return None if view is None else FlowRun.of(view)


@strawberry.type(description="One step of a run: timing, outcome, redacted output, upstream ids.")
class FlowStep:
    step: int = strawberry.field(description="Position in the run (DBOS function id).")
    name: str
    succeeded: bool
    started_at: datetime | None
    completed_at: datetime | None
    duration_ms: int | None
    output: JSON | None = strawberry.field(description="The step's output, redacted.")
    error: str | None
    upstream_ids: JSON = strawberry.field(
        description="Ids the step got from the systems it called, e.g. {invoice_id: 'in_…'}."
    )

    @classmethod
    def of(cls, step: StepView) -> FlowStep:
        return cls(
            step=step.step,
            name=step.name,
            succeeded=step.succeeded,
            started_at=step.started_at,
            completed_at=step.completed_at,
            duration_ms=step.duration_ms,
            output=JSON(step.output),
            error=step.error,
            upstream_ids=JSON(step.upstream_ids),
        )


@strawberry.type(description="A run of a durable flow: status, business keys, outcome, steps.")
class FlowRun(relay.Node):
    id: relay.NodeID[str]
    run_id: str = strawberry.field(description="The process API's run id, '<flow>:<key>'.")
    flow: str
    status: RunStatus
    business_keys: JSON = strawberry.field(description="e.g. {project_code, billing_period}.")
    created_at: datetime
    updated_at: datetime | None
    requested_by: str | None = strawberry.field(description="The client that started it.")
    traceparent: str | None
    exception_id: str | None = strawberry.field(description="The open exception while PARKED.")
    output: JSON | None = strawberry.field(description="The run's outcome, redacted.")
    error: str | None
    record: strawberry.Private[RunView]

    @classmethod
    def of(cls, view: RunView) -> FlowRun:
        return cls(
            id=view.id,
            run_id=view.id,
            flow=view.flow,
            status=RunStatus(view.status.value),
            business_keys=JSON(view.business_keys),
            created_at=view.created_at,
            updated_at=view.updated_at,
            requested_by=view.requested_by,
            traceparent=view.traceparent,
            exception_id=view.exception_id,
            output=JSON(view.output),
            error=view.error,
            record=view,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[FlowRun | None]:
        wanted = list(node_ids)
        require_runs(info, [r for r in wanted if valid_run_id(r)])
        found = await info.context.loaders.run.load_many([r for r in wanted if valid_run_id(r)])
        views = iter(found)
        return [
            cls.of(view) if valid_run_id(r) and (view := next(views)) is not None else None
            for r in wanted
        ]

    async def _detail(self, info: Info) -> RunView | None:
        if self.record.steps is not None:
            return self.record
        require_runs(info, [self.run_id])
        return await info.context.loaders.run.load(self.run_id)

    @guarded(
        description="The run's steps, oldest first (one read of the run).", extensions=[Costed()]
    )
    async def steps(self, info: Info) -> list[FlowStep] | None:
        detail = await self._detail(info)
        steps = None if detail is None else detail.steps
        return None if steps is None else [FlowStep.of(s) for s in steps]

    @guarded(description="The run's request, redacted.", extensions=[Costed()])
    async def input(self, info: Info) -> JSON | None:
        detail = await self._detail(info)
        return None if detail is None else JSON(detail.input)

    @guarded(description="The exception the run is parked on, if any.", extensions=[Costed()])
    async def exception(self, info: Info) -> QueueException | None:
        return await load_exception(info, self.exception_id)


async def load_exception(info: Info, exception_id: str | None) -> QueueException | None:
    if exception_id is None or not valid_exception_id(exception_id):
        return None
    require(info, GET_EXCEPTION)
    view = await info.context.loaders.exception.load(exception_id)
    return None if view is None else QueueException.of(view)


@strawberry.type(description="One action on an exception: who, what, when, and its particulars.")
class AuditEntry:
    at: datetime
    actor: str
    action: str
    detail: JSON = strawberry.field(description="Notes and corrected field names, never values.")

    @classmethod
    def of(cls, entry: AuditRecord) -> AuditEntry:
        return cls(at=entry.at, actor=entry.actor, action=entry.action, detail=JSON(entry.detail))


@strawberry.type(
    name="Exception",
    description="Something a person must decide: a parked or failed run, or a dead letter.",
)
class QueueException(relay.Node):
    id: relay.NodeID[str]
    exception_id: str = strawberry.field(description="The exceptions API's id, 'exc-…'.")
    kind: ExceptionKind
    status: ExceptionStatus
    error_type: str = strawberry.field(description="e.g. period-closed, missing-cost-centre.")
    title: str
    detail: str
    flow: str | None
    run_id: str | None
    event_id: str | None
    step: str | None
    system: str | None
    business_keys: JSON
    error_chain: list[str]
    data: JSON = strawberry.field(description="The input a person may correct (redacted).")
    attempts: int
    trace_id: str | None
    owner: str = strawberry.field(description="The team that owns the fix (policies/owners.yaml).")
    claimed_by: str | None
    sla_due_at: datetime
    sla_breached: bool
    created_at: datetime
    updated_at: datetime
    resolution: JSON | None
    record: strawberry.Private[ExceptionView]

    @classmethod
    def of(cls, view: ExceptionView) -> QueueException:
        return cls(
            id=view.id,
            exception_id=view.id,
            kind=ExceptionKind(view.kind.value),
            status=ExceptionStatus(view.status.value),
            error_type=view.error_type,
            title=view.title,
            detail=view.detail,
            flow=view.flow,
            run_id=view.run_id,
            event_id=view.event_id,
            step=view.step,
            system=view.system,
            business_keys=JSON(view.business_keys),
            error_chain=view.error_chain,
            data=JSON(view.data),
            attempts=view.attempts,
            trace_id=view.trace_id,
            owner=view.owner,
            claimed_by=view.claimed_by,
            sla_due_at=view.sla_due_at,
            sla_breached=view.sla_breached,
            created_at=view.created_at,
            updated_at=view.updated_at,
            resolution=JSON(view.resolution),
            record=view,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[QueueException | None]:
        require(info, GET_EXCEPTION)
        wanted = [i if valid_exception_id(i) else None for i in node_ids]
        found = await info.context.loaders.exception.load_many([i for i in wanted if i])
        views = iter(found)
        return [
            cls.of(v) if i is not None and (v := next(views)) is not None else None for i in wanted
        ]

    @guarded(description="Every action on it, oldest first.", extensions=[Costed()])
    async def audit(self, info: Info) -> list[AuditEntry] | None:
        trail = self.record.audit
        if trail is None:
            require(info, GET_EXCEPTION)
            view = await info.context.loaders.exception.load(self.exception_id)
            trail = None if view is None else view.audit
        return None if trail is None else [AuditEntry.of(a) for a in trail]

    @guarded(description="The run it concerns, with its steps.", extensions=[Costed()])
    async def run(self, info: Info) -> FlowRun | None:
        return await load_run(info, self.run_id)

    @guarded(description="The dead-lettered event.", extensions=[Costed()])
    async def event(self, info: Info) -> Event | None:
        return await load_event(info, self.event_id)


async def load_event(info: Info, event_id: str | None) -> Event | None:
    if event_id is None:
        return None
    require(info, LIST_EVENTS)
    view = await info.context.loaders.event.load(event_id)
    return None if view is None else Event.of(view)


@strawberry.type(description="A recorded business event (CloudEvents), e.g. invoice.issued.")
class Event(relay.Node):
    id: relay.NodeID[str]
    event_id: str
    type: str
    source: str = strawberry.field(description="The emitter, e.g. /process/time-to-cash/v1.")
    subject: str | None
    time: datetime
    recorded_at: datetime
    run_id: str | None
    traceparent: str | None
    schema_version: str
    business_keys: JSON
    data: JSON

    @classmethod
    def of(cls, view: EventView) -> Event:
        return cls(
            id=view.id,
            event_id=view.id,
            type=view.type,
            source=view.source,
            subject=view.subject,
            time=view.time,
            recorded_at=view.recorded_at,
            run_id=view.run_id,
            traceparent=view.traceparent,
            schema_version=view.schema_version,
            business_keys=JSON(view.business_keys),
            data=JSON(view.data),
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Event | None]:
        require(info, LIST_EVENTS)
        wanted = [i if 0 < len(i) <= 64 else None for i in node_ids]
        found = await info.context.loaders.event.load_many([i for i in wanted if i])
        events = iter(found)
        return [
            cls.of(e) if i is not None and (e := next(events)) is not None else None for i in wanted
        ]

    @guarded(description="The run that emitted it.", extensions=[Costed()])
    async def run(self, info: Info) -> FlowRun | None:
        return await load_run(info, self.run_id)
