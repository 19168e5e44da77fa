"""Routes of the exception queue at `/process/exceptions/v1`."""

# No `from __future__ import annotations`: FastAPI must see the body models themselves.

import time
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from starlette.convertors import Convertor, register_url_convertor

from contracts.problems import ProblemError, ProblemFieldError
from contracts.registry import settings_from
from process_apis._runtime.engine import FlowRuntime
from process_apis._runtime.exceptions import ExceptionKind, ExceptionStatus
from process_apis._runtime.query import IsoDateTime
from process_apis._runtime.router import MAX_PAGE, runtime_dep
from process_apis.exceptions import actions
from process_apis.exceptions.actions import RedriveResult
from process_apis.exceptions.settings import ExceptionSettings
from process_apis.exceptions.v1.schemas import (
    CancelRequest,
    ClaimRequest,
    RedriveRequest,
    ResumeRequest,
    RetryRequest,
)
from process_apis.exceptions.views import (
    ExceptionFilter,
    ExceptionPage,
    ExceptionView,
    get_exception,
    list_exceptions,
)

router = APIRouter(
    responses={
        404: {"description": "No such exception."},
        409: {"description": "Closed, claimed by someone else, or the action does not apply."},
        503: {"description": "The flow engine is not running in this process."},
    }
)
Runtime = Annotated[FlowRuntime, runtime_dep("process/exceptions/v1")]
EXCEPTION_ID = "exc-[A-Za-z0-9._-]+"


class ExceptionIdConvertor(Convertor[str]):
    """An exception id in a path (`{exception_id:exception_id}`), kept as text.

    `/exceptions/redrive` must not match `/exceptions/{exception_id}`: a GET of it would
    answer 404 instead of 405, and its `Allow` would advertise GET.
    """

    regex = EXCEPTION_ID

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("exception_id", ExceptionIdConvertor())
ExceptionId = Annotated[str, Path(max_length=64, pattern=f"^{EXCEPTION_ID}$")]


def caller(request: Request) -> str:
    """The acting client; partners do not work the exception queue."""
    principal = request.scope.get("state", {}).get("principal")
    client_id = getattr(principal, "client_id", None)
    if not isinstance(client_id, str):
        raise ProblemError("invalid-token", "The request carries no verified client.")
    if getattr(principal, "partner_id", None) is not None:
        raise ProblemError("insufficient-scope", "Partner clients cannot use the exception queue.")
    return client_id


Actor = Annotated[str, Depends(caller)]


def _keys(values: list[str]) -> dict[str, str]:
    keys: dict[str, str] = {}
    for value in values:
        name, sep, wanted = value.partition(":")
        if not sep or not name or not wanted:
            raise ProblemError(
                "validation-failed",
                "A key filter is 'name:value', e.g. project_code:P-1001.",
                errors=[ProblemFieldError(parameter="key", location="query", detail="name:value")],
            )
        keys[name] = wanted
    return keys


@router.get(
    "/exceptions",
    operation_id="listExceptions",
    summary="List and filter exceptions, newest first",
    response_model=ExceptionPage,
)
async def list_(
    *,
    flows: Runtime,
    _actor: Actor,
    status: ExceptionStatus | None = None,
    owner: Annotated[str | None, Query(max_length=64)] = None,
    error_type: Annotated[str | None, Query(max_length=64)] = None,
    flow: Annotated[str | None, Query(max_length=64)] = None,
    kind: ExceptionKind | None = None,
    key: Annotated[
        list[str], Query(description="Business key filter 'name:value'; repeat to narrow.")
    ] = [],  # noqa: B006 - FastAPI copies defaults per request
    created_after: IsoDateTime | None = None,
    created_before: IsoDateTime | None = None,
    sla_breached: bool | None = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> ExceptionPage:
    search = ExceptionFilter(
        status=status,
        owner=owner,
        error_type=error_type,
        flow=flow,
        kind=kind,
        keys=_keys(key),
        created_after=created_after,
        created_before=created_before,
        sla_breached=sla_breached,
    )
    return await list_exceptions(flows.store, search, limit=limit, offset=offset, now=time.time())


@router.get(
    "/exceptions/{exception_id:exception_id}",
    operation_id="getException",
    summary="An exception with its audit trail and SLA",
    response_model=ExceptionView,
)
async def get(exception_id: ExceptionId, flows: Runtime, _actor: Actor) -> ExceptionView:
    view = await get_exception(flows.store, exception_id, now=time.time())
    if view is None:
        raise ProblemError("not-found", "No exception with this id.")
    return view


@router.post(
    "/exceptions/redrive",
    operation_id="redriveExceptions",
    summary="Retry many exceptions by business key, error type or time range (bounded, paced)",
    response_model=RedriveResult,
)
async def redrive(body: RedriveRequest, flows: Runtime, actor: Actor) -> RedriveResult:
    settings = settings_from(ExceptionSettings, flows.context)
    errors = []
    if not body.has_selector():
        errors.append(
            ProblemFieldError(
                pointer="#", detail="Select by error_type, keys, created_after or created_before."
            )
        )
    max_count = body.max_count or settings.redrive_max_count
    if max_count > settings.redrive_max_count:
        errors.append(
            ProblemFieldError(
                pointer="#/max_count",
                detail=f"At most {settings.redrive_max_count} per call.",
            )
        )
    if errors:
        raise ProblemError(
            "validation-failed", "The redrive selection is not valid.", errors=errors
        )
    search = ExceptionFilter(
        error_type=body.error_type,
        flow=body.flow,
        kind=body.kind,
        keys=body.keys,
        created_after=body.created_after,
        created_before=body.created_before,
    )
    return await actions.redrive(
        flows.store,
        search,
        actor=actor,
        note=body.note,
        max_count=max_count,
        pacer=actions.Pacer(settings.redrive_rate_per_s),
        dry_run=body.dry_run,
    )


@router.post(
    "/exceptions/{exception_id:exception_id}/claim",
    operation_id="claimException",
    summary="Claim an exception: the caller is working on it",
    response_model=ExceptionView,
)
async def claim(
    exception_id: ExceptionId, flows: Runtime, actor: Actor, body: ClaimRequest | None = None
) -> ExceptionView:
    body = body or ClaimRequest()
    return await actions.claim(
        flows.store, exception_id, actor=actor, note=body.note, take_over=body.take_over
    )


@router.post(
    "/exceptions/{exception_id:exception_id}/resume",
    operation_id="resumeException",
    summary="Resume the parked run with corrected data",
    response_model=ExceptionView,
)
async def resume(
    exception_id: ExceptionId, body: ResumeRequest, flows: Runtime, actor: Actor
) -> ExceptionView:
    return await actions.resume(
        flows.store, exception_id, actor=actor, data=body.data, note=body.note
    )


@router.post(
    "/exceptions/{exception_id:exception_id}/retry",
    operation_id="retryException",
    summary="Retry from the failed step (a failed run is forked under a new run id)",
    response_model=ExceptionView,
)
async def retry(
    exception_id: ExceptionId, flows: Runtime, actor: Actor, body: RetryRequest | None = None
) -> ExceptionView:
    body = body or RetryRequest()
    return await actions.retry(flows.store, exception_id, actor=actor, note=body.note)


@router.post(
    "/exceptions/{exception_id:exception_id}/cancel",
    operation_id="cancelException",
    summary="Cancel with a reason; a parked run is told to stop",
    response_model=ExceptionView,
)
async def cancel(
    exception_id: ExceptionId, body: CancelRequest, flows: Runtime, actor: Actor
) -> ExceptionView:
    return await actions.cancel(flows.store, exception_id, actor=actor, reason=body.reason)
