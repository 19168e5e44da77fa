from typing import Any

from pydantic import BaseModel

from process_apis._runtime.flows import FlowSpec, choose_run_id


class Request(BaseModel):
    project_code: str
    period: str


async def _workflow(request: dict[str, Any], meta: dict[str, Any]) -> dict[str, Any]:
    return {}


def _spec(*, keyed: bool) -> FlowSpec[Request]:
    return FlowSpec(
        name="demo-flow",
        title="Demo",
        request_model=Request,
        workflow=_workflow,
        business_keys=lambda r: {"project_code": r.project_code},
        run_key=(lambda r: f"{r.project_code}:{r.period}") if keyed else None,
    )


def test_business_identity_wins_over_idempotency_key() -> None:
    request = Request(project_code="P-1", period="2026-10")

    first = choose_run_id(_spec(keyed=True), request, idempotency_key="a", client_id="c1")
    second = choose_run_id(_spec(keyed=True), request, idempotency_key="b", client_id="c2")

    assert first == second == "demo-flow:P-1:2026-10"


def test_idempotency_key_is_scoped_by_client() -> None:
    request = Request(project_code="P-1", period="2026-10")
    spec = _spec(keyed=False)

    mine = choose_run_id(spec, request, idempotency_key="k", client_id="c1")

    assert mine == choose_run_id(spec, request, idempotency_key="k", client_id="c1")
    assert mine != choose_run_id(spec, request, idempotency_key="k", client_id="c2")


def test_without_key_every_trigger_is_a_new_run() -> None:
    request = Request(project_code="P-1", period="2026-10")
    spec = _spec(keyed=False)

    assert choose_run_id(spec, request, idempotency_key=None, client_id=None) != choose_run_id(
        spec, request, idempotency_key=None, client_id=None
    )
