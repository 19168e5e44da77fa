"""The APIs as one GraphQL request reaches them: typed clients with the caller's token.

The clients come from the gateway's internal client factory, so every call goes in-process
through the same edge as a REST call: the caller's token is verified, its rate limit counted,
and the system API filters partner objects and nulls sensitive fields exactly as for REST.
The process APIs (runs, exceptions, events: `process.py`) are reached the same way.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Generator, Mapping, Sequence
from functools import cached_property
from typing import TypeVar

import httpx

from gateway.graphql.errors import FieldError, upstream_failed
from gateway.graphql.process import ProcessClient
from system_apis.billing.v1.client import BillingApiError, BillingClient
from system_apis.erp.v1.client import ErpApiError, ErpClient
from system_apis.hcm.v1.client import HcmApiError, HcmClient
from system_apis.psa.v1.client import PsaClient

T = TypeVar("T")
RequestHook = Callable[[httpx.Request], Awaitable[None]]

SYSTEM_BASES = {
    "hcm": "/system/hcm/v1",
    "psa": "/system/psa/v1",
    "erp": "/system/erp/v1",
    "billing": "/system/billing/v1",
}
BASES = {**SYSTEM_BASES, "process": "/process"}


class CallerToken(httpx.Auth):
    """Bearer auth with the token the GraphQL caller presented (never the internal one).

    A WebSocket may name its token only in `connection_init`, after the clients exist: `use`
    sets it then. Until a token is known nothing is sent, and the edge answers 401.
    """

    def __init__(self, token: str | None) -> None:
        self._header = None if token is None else f"Bearer {token}"

    def use(self, token: str) -> None:
        self._header = f"Bearer {token}"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if self._header is not None:
            request.headers["Authorization"] = self._header
        yield request


class Upstream:
    """One request's typed clients, one per system API, opened on first use."""

    def __init__(
        self,
        client_for: Callable[[str], httpx.AsyncClient],
        *,
        hooks: Sequence[RequestHook] = (),
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self._client_for = client_for
        self._hooks = list(hooks)
        self._headers = dict(headers or {})
        self._open: dict[str, httpx.AsyncClient] = {}

    def _http(self, system: str) -> httpx.AsyncClient:
        if system not in self._open:
            http = self._client_for(BASES[system])
            http.headers.update(self._headers)
            http.event_hooks["request"] = list(self._hooks)
            self._open[system] = http
        return self._open[system]

    @cached_property
    def hcm(self) -> HcmClient:
        return HcmClient(self._http("hcm"))

    @cached_property
    def psa(self) -> PsaClient:
        return PsaClient(self._http("psa"))

    @cached_property
    def erp(self) -> ErpClient:
        return ErpClient(self._http("erp"))

    @cached_property
    def billing(self) -> BillingClient:
        return BillingClient(self._http("billing"))

    @cached_property
    def process(self) -> ProcessClient:
        return ProcessClient(self._http("process"))

    async def aclose(self) -> None:
        for http in self._open.values():
            await http.aclose()
        self._open.clear()


def _problem_code(type_uri: object) -> str | None:
    return type_uri.rsplit("/", 1)[-1] if isinstance(type_uri, str) else None


def _refusal(exc: Exception) -> tuple[int, str | None] | None:
    """(status, problem code) of a system API's error answer; None for anything else."""
    if isinstance(exc, HcmApiError | ErpApiError | BillingApiError):
        return exc.problem.status, _problem_code(exc.problem.type)
    if isinstance(exc, httpx.HTTPStatusError):  # the PSA client raises httpx's own error
        try:
            body = exc.response.json()
        except ValueError:
            body = {}
        code = _problem_code(body.get("type")) if isinstance(body, dict) else None
        return exc.response.status_code, code
    if isinstance(exc, httpx.TransportError):
        return 502, None
    return None


async def fetch(system: str, call: Awaitable[T]) -> T:
    """Await a client call; an error answer becomes a `FieldError` (404 included)."""
    try:
        return await call
    except Exception as exc:
        refusal = _refusal(exc)
        if refusal is None:
            raise
        raise upstream_failed(system, *refusal) from exc


async def fetch_optional(system: str, call: Awaitable[T]) -> T | None:
    """Like `fetch`, but None when the object does not exist or is another partner's (404)."""
    try:
        return await fetch(system, call)
    except FieldError as error:
        if error.extensions["code"] == "not-found":
            return None
        raise
