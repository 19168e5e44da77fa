"""The routes every flow serves at `/process/<name>/v1`: start a run, list and show runs."""

# No `from __future__ import annotations`: FastAPI must see the flow's request model itself.

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Header, Path, Query, Request, Response
from pydantic import BaseModel

from contracts.problems import ProblemError
from process_apis._runtime.engine import FlowRuntime
from process_apis._runtime.flows import FlowSpec, R, start_run
from process_apis._runtime.query import IsoDateTime
from process_apis._runtime.runs import RunFilter, RunPage, RunStatus, RunView, get_run, list_runs

FLOW_RESPONSES: dict[int | str, dict[str, Any]] = {
    404: {"description": "No such run of this flow."},
    409: {"description": "Conflict (Idempotency-Key in use)."},
    503: {"description": "The flow engine is not running in this process."},
}
MAX_PAGE = 200


class RunAccepted(BaseModel):
    """A run was started (or the trigger maps to an existing run)."""

    id: str
    flow: str
    location: str
    created: bool


def runtime_dep(key: str) -> Any:
    """The flow runtime this version's lifespan entered."""

    def get_runtime(request: Request) -> FlowRuntime:
        runtime = request.scope.get("state", {}).get("apis", {}).get(key)
        if not isinstance(runtime, FlowRuntime):
            raise ProblemError("service-unavailable", f"{key} is not running in this process.")
        return runtime

    return Depends(get_runtime)


def _client_id(request: Request) -> str | None:
    principal = request.scope.get("state", {}).get("principal")
    return getattr(principal, "client_id", None)


def _pascal(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("-"))


def _keys(values: list[str]) -> dict[str, str]:
    keys: dict[str, str] = {}
    for value in values:
        name, sep, wanted = value.partition(":")
        if not sep or not name or not wanted:
            raise ProblemError(
                "validation-failed", "A key filter is 'name:value', e.g. project_code:P-1001."
            )
        keys[name] = wanted
    return keys


def flow_router(spec: FlowSpec[R]) -> APIRouter:
    """Start, list and show runs of `spec` (operation ids derive from the flow's name)."""
    router = APIRouter(responses=FLOW_RESPONSES)
    runtime = runtime_dep(f"process/{spec.name}/v1")
    pascal = _pascal(spec.name)
    request_model = spec.request_model

    @router.post(
        "/runs",
        status_code=202,
        operation_id=f"start{pascal}Run",
        summary=f"Start a {spec.title} run",
        response_model=RunAccepted,
    )
    async def start(
        request: Request,
        response: Response,
        *,
        body: Annotated[request_model, Body()],  # type: ignore[valid-type]
        flows: FlowRuntime = runtime,
        idempotency_key: Annotated[
            str | None,
            # What the edge accepts: 1-255 printable ASCII characters, no surrounding spaces.
            Header(alias="Idempotency-Key", max_length=255, pattern=r"^[!-~]([ -~]{0,253}[!-~])?$"),
        ] = None,
        traceparent: Annotated[str | None, Header(include_in_schema=False)] = None,
    ) -> RunAccepted:
        if spec.validate is not None:
            await spec.validate(body, flows.systems)
        started = await start_run(
            flows,
            spec,
            body,
            idempotency_key=idempotency_key,
            client_id=_client_id(request),
            traceparent=traceparent,
        )
        location = f"{spec.base_path}/runs/{started.run_id}"
        response.headers["Location"] = location
        return RunAccepted(
            id=started.run_id, flow=spec.name, location=location, created=started.created
        )

    @router.get(
        "/runs",
        operation_id=f"list{pascal}Runs",
        summary=f"List and search {spec.title} runs, newest first",
        response_model=RunPage,
    )
    async def list_(
        *,
        flows: FlowRuntime = runtime,
        key: Annotated[
            list[str],
            Query(description="Business key filter 'name:value'; repeat to narrow."),
        ] = [],  # noqa: B006 - FastAPI copies defaults per request
        status: RunStatus | None = None,
        created_after: IsoDateTime | None = None,
        created_before: IsoDateTime | None = None,
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
        offset: Annotated[int, Query(ge=0)] = 0,
    ) -> RunPage:
        search = RunFilter(
            flow=spec.name,
            keys=_keys(key),
            status=status,
            created_after=created_after,
            created_before=created_before,
        )
        return await list_runs(flows.store, search, limit=limit, offset=offset)

    @router.get(
        "/runs/{run_id}",
        operation_id=f"get{pascal}Run",
        summary=f"A {spec.title} run with its steps",
        response_model=RunView,
    )
    async def get(
        run_id: Annotated[str, Path(max_length=200)], flows: FlowRuntime = runtime
    ) -> RunView:
        view = await get_run(flows.store, run_id, flow=spec.name)
        if view is None:
            raise ProblemError("not-found", f"No {spec.name} run {run_id!r}.")
        return view

    return router
