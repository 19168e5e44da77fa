"""`Idempotency-Key` on POST and PATCH: draft-ietf-httpapi-idempotency-key-header, Stripe semantics.

- no key: the request passes untouched;
- malformed key (empty, over 255 characters, not printable ASCII, repeated) → 400;
- first use: the app runs; its response is stored unless it is a validation failure
  (400, 422), a refusal to authorize (401, 403: the operation never ran), a throttle
  (429) or a server error (5xx), in which case the key is released and a retry runs again;
- same key, same payload, done → the stored response, `Idempotent-Replayed: true`,
  and the app is not called;
- same key, another payload → 422; same key while the first is running → 409.

Keys are scoped per client, method and path. The payload fingerprint is the SHA-256
of the body, with JSON bodies canonicalised first (key order and spacing do not count).
The key stays in the request headers: APIs derive their own upstream keys from it.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from contracts.problems import ProblemError
from gateway.edge.caller import client_key, verified_caller
from gateway.edge.idempotency_store import (
    IdempotencyStore,
    InFlight,
    KeyScope,
    Mismatch,
    Owned,
    Replay,
    StoredResponse,
)
from gateway.problems import send_problem

_log = logging.getLogger("atrium.idempotency")
METHODS = frozenset({"POST", "PATCH"})
MAX_KEY_LENGTH = 255
REPLAYED_HEADER = (b"idempotent-replayed", b"true")
# Headers that describe the stored outcome; per-response ones (date, request id,
# rate limits, length) are produced afresh on a replay.
STORED_HEADERS = frozenset(
    {
        "content-type",
        "content-language",
        "content-location",
        "location",
        "etag",
        "last-modified",
        "link",
        "cache-control",
        "preference-applied",
    }
)


def idempotency_key(scope: Scope) -> str | None:
    """The request's key (a bare token or a Structured Field string), or a 400 problem."""
    values = [v for n, v in scope["headers"] if n == b"idempotency-key"]
    if not values:
        return None
    if len(values) > 1:
        raise malformed("Send one Idempotency-Key header.")
    text = str(values[0].decode("latin-1")).strip()
    if len(text) >= 2 and text[0] == text[-1] == '"':
        text = text[1:-1]
    if not text:
        raise malformed("The Idempotency-Key is empty.")
    if len(text) > MAX_KEY_LENGTH:
        raise malformed(f"The Idempotency-Key is longer than {MAX_KEY_LENGTH} characters.")
    if not (text.isascii() and text.isprintable()):  # i.e. every character in " ".."~"
        raise malformed("The Idempotency-Key must be printable ASCII.")
    return text


def malformed(detail: str) -> ProblemError:
    return ProblemError("invalid-idempotency-key", detail)


def fingerprint(body: bytes, content_type: str) -> str:
    """SHA-256 of the payload; JSON is canonicalised so equal documents match."""
    media = content_type.split(";", 1)[0].strip().lower()
    if media == "application/json" or media.endswith("+json"):
        try:
            document = json.loads(body)
        except ValueError:
            pass  # not JSON after all: the raw bytes are the payload
        else:
            body = json.dumps(
                document, sort_keys=True, separators=(",", ":"), ensure_ascii=False
            ).encode()
    return hashlib.sha256(body).hexdigest()


NOT_STORED = frozenset({400, 401, 403, 422, 429})


def is_stored(status: int) -> bool:
    """Whether an outcome is final enough to replay (validation, auth, throttle, 5xx are not)."""
    return status < 500 and status not in NOT_STORED


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return ""


async def read_body(receive: Receive) -> bytes | None:
    """The whole request body, or None if the client went away first."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


class IdempotencyMiddleware:
    """Runs each keyed POST/PATCH at most once per (client, method, path, key)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        store: IdempotencyStore | None = scope.get("state", {}).get("idempotency")
        if scope["type"] != "http" or scope["method"] not in METHODS or store is None:
            await self.app(scope, receive, send)
            return
        try:
            key = idempotency_key(scope)
        except ProblemError as error:
            await send_problem(send, error)
            return
        if key is None:
            await self.app(scope, receive, send)
            return
        body = await read_body(receive)
        if body is None:
            return
        client = client_key(scope, verified_caller(scope))
        keyed = KeyScope(client, scope["method"], scope["path"], key)
        claim = await store.claim(keyed, fingerprint(body, _header(scope, b"content-type")))
        match claim:
            case Replay(response):
                await _replay(send, response)
            case Mismatch():
                await send_problem(send, _mismatch())
            case InFlight():
                await send_problem(send, _in_flight())
            case Owned(token):
                await self._run(
                    scope, receive, send, body=body, store=store, keyed=keyed, token=token
                )

    async def _run(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        *,
        body: bytes,
        store: IdempotencyStore,
        keyed: KeyScope,
        token: str,
    ) -> None:
        """Run the app once, then keep its response or release the key."""
        capture = _Capture(send, store.max_response_bytes)
        try:
            await self.app(scope, _replaying(body, receive), capture.send)
        except BaseException:
            # Shielded: a cancelled request (client gone) must still release its key.
            await asyncio.shield(store.release(keyed, token))
            raise
        response = capture.response()
        if response is not None and is_stored(response.status):
            await store.complete(keyed, token, response)
        else:
            await store.release(keyed, token)


def _mismatch() -> ProblemError:
    return ProblemError(
        "idempotency-key-reused",
        "This Idempotency-Key was first used with a different payload; use a new key.",
    )


def _in_flight() -> ProblemError:
    return ProblemError(
        "idempotency-key-in-use",
        "A request with this Idempotency-Key is still being processed; retry shortly.",
        headers={"Retry-After": "1"},
    )


def _replaying(body: bytes, receive: Receive) -> Receive:
    """A receive that hands the app the body already read, then defers to the client."""
    delivered = False

    async def replay() -> Message:
        nonlocal delivered
        if delivered:
            return await receive()
        delivered = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


async def _replay(send: Send, response: StoredResponse) -> None:
    headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in response.headers]
    headers += [(b"content-length", str(len(response.body)).encode()), REPLAYED_HEADER]
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    await send({"type": "http.response.body", "body": response.body})


class _Capture:
    """Passes the response through while keeping a copy to store (up to a size cap)."""

    def __init__(self, send: Send, max_bytes: int) -> None:
        self._send = send
        self._max_bytes = max_bytes
        self._status: int | None = None
        self._headers: list[tuple[str, str]] = []
        self._chunks: list[bytes] = []
        self._size = 0
        self._complete = False

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self._status = message["status"]
            self._headers = [
                (k.decode("latin-1").lower(), v.decode("latin-1"))
                for k, v in message.get("headers", [])
                if k.decode("latin-1").lower() in STORED_HEADERS
            ]
        elif message["type"] == "http.response.body":
            chunk = message.get("body", b"")
            self._size += len(chunk)
            if self._size <= self._max_bytes:
                self._chunks.append(chunk)
            self._complete = not message.get("more_body", False)
        await self._send(message)

    def response(self) -> StoredResponse | None:
        """The full response, or None if it was cut short or too large to keep."""
        if self._status is None or not self._complete:
            return None
        if self._size > self._max_bytes:
            _log.warning("response too large to keep for Idempotency-Key replay; key released")
            return None
        return StoredResponse(self._status, self._headers, b"".join(self._chunks))
