"""Mutations the operations console needs: act on the exception queue.

Each calls the exceptions API (`POST /exceptions/{id}/claim|resume|retry|cancel`) with the
caller's token and answers the exception as it is afterwards. A refusal is a GraphQL error
carrying the API's problem code (`exception-closed`, `exception-claimed`,
`exception-action-unavailable`, `not-found`, `validation-failed`) in `extensions.code`.
"""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.scalars import JSON

from gateway.graphql.context import Info
from gateway.graphql.errors import InvalidInputError
from gateway.graphql.ids import decoded
from gateway.graphql.process import EXCEPTIONS
from gateway.graphql.scopes import guarded
from gateway.graphql.types.operations import QueueException, valid_exception_id
from gateway.graphql.upstream import fetch

ExceptionRef = Annotated[
    strawberry.ID,
    strawberry.argument(description="The exception's `id`, or its `exceptionId` ('exc-…')."),
]
Note = Annotated[str | None, strawberry.argument(description="Why, for the audit trail.")]


def exception_id_of(value: str) -> str:
    """The exceptions API's id from a global id or the API's own id."""
    if valid_exception_id(value):
        return value
    global_id = decoded(value)
    if global_id is None or global_id.type_name != "Exception":
        raise InvalidInputError("validation-failed", "`id` is not an Exception's id.")
    if not valid_exception_id(global_id.node_id):
        raise InvalidInputError("validation-failed", "`id` is not an Exception's id.")
    return global_id.node_id


async def _act(info: Info, exception: str, action: str, **body: Any) -> QueueException:
    client = info.context.upstream.process
    sent = {name: value for name, value in body.items() if value is not None}
    view = await fetch("process", client.act_on_exception(exception_id_of(exception), action, sent))
    return QueueException.of(view)


@strawberry.type(description="Changes, each through the API that owns the object.")
class Mutation:
    @guarded(
        (EXCEPTIONS, "claimException"),
        description="Claim an exception: you are working on it (`takeOver` takes it from "
        "someone else).",
    )
    async def claim_exception(
        self, info: Info, id: ExceptionRef, note: Note = None, take_over: bool = False
    ) -> QueueException | None:
        return await _act(info, id, "claim", note=note, take_over=take_over)

    @guarded(
        (EXCEPTIONS, "resumeException"),
        description="Resume the parked run with corrected data (the names the flow uses, e.g. "
        '{"accounting_period": "2026-11"}).',
    )
    async def resume_exception(
        self, info: Info, id: ExceptionRef, data: JSON | None = None, note: Note = None
    ) -> QueueException | None:
        return await _act(info, id, "resume", data=data if data is not None else {}, note=note)

    @guarded(
        (EXCEPTIONS, "retryException"),
        description="Retry from the failed step (a failed run is forked under a new run id).",
    )
    async def retry_exception(
        self, info: Info, id: ExceptionRef, note: Note = None
    ) -> QueueException | None:
        return await _act(info, id, "retry", note=note)

    @guarded(
        (EXCEPTIONS, "cancelException"),
        description="Cancel with a reason; a parked run is told to stop.",
    )
    async def cancel_exception(
        self,
        info: Info,
        id: ExceptionRef,
        reason: Annotated[str, strawberry.argument(description="Why, for the audit trail.")],
    ) -> QueueException | None:
        return await _act(info, id, "cancel", reason=reason)
