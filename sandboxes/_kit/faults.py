"""Fault injection a test switches on per sandbox: latency, errors, drops, hangs, storms, drift.

`PUT /_sandbox/faults` sets a `Faults` document; `DELETE /_sandbox/faults` clears it and
releases any request still hanging. Rates draw from a random generator (seeded by `seed` for
repeatable runs); the `*_next` counters hit exactly the next N requests, for tests that must
not depend on chance. Faults apply to vendor paths only (and, with `path_prefix`, to a subset);
the control routes under /_sandbox are never affected.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections import Counter
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sandboxes._kit.limiter import CONTROL_PREFIX, Decision, Render429, default_render_429

Json = Any


class Drift(BaseModel):
    """Schema drift applied to every JSON object of a response."""

    model_config = ConfigDict(extra="forbid")

    extra_fields: dict[str, Json] = Field(default_factory=dict)
    rename_fields: dict[str, str] = Field(default_factory=dict)

    def active(self) -> bool:
        return bool(self.extra_fields or self.rename_fields)


class Faults(BaseModel):
    """What to break, and how often."""

    model_config = ConfigDict(extra="forbid")

    latency_ms: int = Field(default=0, ge=0, le=60_000)
    error_rate: float = Field(default=0.0, ge=0, le=1)
    error_next: int = Field(default=0, ge=0)
    error_status: int = Field(default=503, ge=400, le=599)
    drop_rate: float = Field(default=0.0, ge=0, le=1)
    drop_next: int = Field(default=0, ge=0)
    hang_rate: float = Field(default=0.0, ge=0, le=1)
    hang_next: int = Field(default=0, ge=0)
    hang_s: float = Field(default=30.0, gt=0, le=300)
    storm: int = Field(default=0, ge=0, description="The next N requests get 429.")
    storm_retry_after_s: int = Field(default=1, ge=0, le=3600)
    drift: Drift = Field(default_factory=Drift)
    path_prefix: str = ""
    seed: int | None = None


@dataclass
class Plan:
    """The faults chosen for one request."""

    storm: bool = False
    error: bool = False
    hang: bool = False
    drop: bool = False


class FaultState:
    """The current faults of one sandbox, what is left of the `*_next` counters, and stats."""

    def __init__(self) -> None:
        self.faults = Faults()
        self._left: Counter[str] = Counter()
        self._random = random.Random()  # noqa: S311  (fault timing, not security)
        self._released: asyncio.Event | None = None
        self.requests = 0
        self.statuses: Counter[int] = Counter()
        self.injected: Counter[str] = Counter()

    def set(self, faults: Faults) -> None:
        """Replace the faults; counters restart from the new values."""
        self.release()
        self.faults = faults
        self._left = Counter(
            storm=faults.storm,
            error=faults.error_next,
            hang=faults.hang_next,
            drop=faults.drop_next,
        )
        self._random = random.Random(faults.seed)  # noqa: S311

    def clear(self) -> None:
        """No faults; hanging requests go on."""
        self.set(Faults())

    def release(self) -> None:
        """Wake every request currently hanging."""
        if self._released is not None:
            self._released.set()
        self._released = None

    def released(self) -> asyncio.Event:
        if self._released is None:
            self._released = asyncio.Event()
        return self._released

    def reset_stats(self) -> None:
        self.requests = 0
        self.statuses.clear()
        self.injected.clear()

    def stats(self) -> dict[str, Json]:
        return {
            "requests": self.requests,
            "rate_limited": self.statuses[429],
            "statuses": {str(code): n for code, n in sorted(self.statuses.items())},
            "injected": dict(self.injected),
        }

    def _take(self, kind: str, rate: float) -> bool:
        if self._left[kind] > 0:
            self._left[kind] -= 1
        elif not (rate > 0 and self._random.random() < rate):
            return False
        self.injected[kind] += 1
        return True

    def plan(self, path: str) -> Plan:
        """Draw this request's faults (a storm or an error short-circuits the rest)."""
        f = self.faults
        if not path.startswith(f.path_prefix):
            return Plan()
        if self._take("storm", 0.0):
            return Plan(storm=True)
        if self._take("error", f.error_rate):
            return Plan(error=True)
        return Plan(hang=self._take("hang", f.hang_rate), drop=self._take("drop", f.drop_rate))


def apply_drift(value: Json, drift: Drift) -> Json:
    """Rename keys and add extra fields in every JSON object of `value`."""
    if isinstance(value, list):
        return [apply_drift(item, drift) for item in value]
    if not isinstance(value, dict):
        return value
    out = {drift.rename_fields.get(k, k): apply_drift(v, drift) for k, v in value.items()}
    for key, extra in drift.extra_fields.items():
        out.setdefault(key, extra)
    return out


class FaultMiddleware:
    """Applies the current `FaultState` to each vendor request and counts the responses."""

    def __init__(
        self, app: ASGIApp, state: FaultState, render_429: Render429 = default_render_429
    ) -> None:
        self.app = app
        self.state = state
        self.render_429 = render_429

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(CONTROL_PREFIX):
            await self.app(scope, receive, send)
            return
        self.state.requests += 1
        send = self._counting(send)
        faults = self.state.faults
        plan = self.state.plan(scope["path"])
        if plan.storm:
            decision = Decision(False, faults.storm_retry_after_s, "storm")
            response = self.render_429(decision)
            response.headers.setdefault("Retry-After", str(faults.storm_retry_after_s))
            await response(scope, receive, send)
            return
        if plan.error:
            body = {"message": "Injected fault", "status": faults.error_status}
            await JSONResponse(body, faults.error_status)(scope, receive, send)
            return
        if faults.latency_ms:
            await asyncio.sleep(faults.latency_ms / 1000)
        if plan.hang:
            replay = await self._hang(receive, faults.hang_s)
            if replay is None:
                return  # the client gave up: nobody to answer
            receive = replay
        if plan.drop:
            send = _dropping(send)
        elif faults.drift.active():
            send = _drifting(send, faults.drift)
        await self.app(scope, receive, send)

    def _counting(self, send: Send) -> Send:
        async def counting_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                self.state.statuses[message["status"]] += 1
            await send(message)

        return counting_send

    async def _hang(self, receive: Receive, seconds: float) -> Receive | None:
        """Wait `seconds`, the client's disconnect or a release; a receive replaying the body."""
        body: list[Message] = []
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            body.append(message)
            if not message.get("more_body", False):
                break
        disconnect = asyncio.ensure_future(receive())
        release = asyncio.ensure_future(self.state.released().wait())
        timer = asyncio.ensure_future(asyncio.sleep(seconds))
        done, pending = await asyncio.wait(
            {disconnect, release, timer}, return_when=asyncio.FIRST_COMPLETED
        )
        for task in pending:
            task.cancel()
        if disconnect in done:
            return None
        return _replaying(body, receive)


def _replaying(body: list[Message], receive: Receive) -> Receive:
    pending = list(body)

    async def replay() -> Message:
        return pending.pop(0) if pending else await receive()

    return replay


def _dropping(send: Send) -> Send:
    """Send the headers and half the first body chunk, then nothing: the server cuts the line."""
    cut = False

    async def dropping_send(message: Message) -> None:
        nonlocal cut
        if cut:
            return
        if message["type"] == "http.response.body":
            cut = True
            chunk = message.get("body", b"")
            message = {"type": "http.response.body", "body": chunk[: len(chunk) // 2]}
            message["more_body"] = True
        await send(message)

    return dropping_send


def _drifting(send: Send, drift: Drift) -> Send:
    """Buffer a JSON response, apply the drift, and send it with a corrected length."""
    start: Message | None = None
    chunks: list[bytes] = []

    async def drifting_send(message: Message) -> None:
        nonlocal start
        if message["type"] == "http.response.start" and _is_json(message):
            start = message
        elif start is None:
            await send(message)
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                await _send_drifted(send, start, b"".join(chunks), drift)

    return drifting_send


def _is_json(start: Message) -> bool:
    headers = dict(start.get("headers", []))
    return b"json" in headers.get(b"content-type", b"")


async def _send_drifted(send: Send, start: Message, body: bytes, drift: Drift) -> None:
    if body:
        body = json.dumps(apply_drift(json.loads(body), drift)).encode()
    headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
    headers.append((b"content-length", str(len(body)).encode()))
    await send({**start, "headers": headers})
    await send({"type": "http.response.body", "body": body})
