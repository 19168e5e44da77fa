"""Xero's `Idempotency-Key`: a repeated write answers the first response and changes nothing."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse

from sandboxes._kit.store import Store
from sandboxes.xero.wire import XeroError, bad_request

MAX_KEY_LENGTH = 128


async def idempotent(
    request: Request,
    store: Store,
    tenant_id: str,
    write: Callable[[dict[str, Any]], dict[str, Any]],
) -> JSONResponse:
    """Run `write(body)` once per key; replay its answer (success or 400) for the same key."""
    try:
        body = await request.json()
    except ValueError:
        raise bad_request("The request body is not valid JSON") from None
    if not isinstance(body, dict):
        raise bad_request("The request body must be a JSON object")
    key = request.headers.get("idempotency-key")
    if key is None:
        return _run(write, body)
    if len(key) > MAX_KEY_LENGTH:
        raise bad_request("Idempotency-Key must be 128 characters or fewer")
    raw = await request.body()
    fingerprint = hashlib.sha256(
        request.method.encode() + request.url.path.encode() + raw
    ).hexdigest()
    scope = f"xero:{tenant_id}"
    recalled = store.recall_idempotent(scope, key)
    if recalled is None:
        with store.transaction():
            recalled = store.recall_idempotent(scope, key)
            if recalled is None:
                response = _run(write, body)
                stored = {"status": response.status_code, "body": bytes(response.body).decode()}
                recalled = store.remember_idempotent(scope, key, fingerprint, stored)
    if recalled.fingerprint != fingerprint:
        raise bad_request("Idempotency-Key was already used with a different request")
    stored = recalled.response
    return JSONResponse(json.loads(str(stored["body"])), status_code=int(str(stored["status"])))


def _run(write: Callable[[dict[str, Any]], dict[str, Any]], body: dict[str, Any]) -> JSONResponse:
    try:
        return JSONResponse(write(body))
    except XeroError as exc:
        if exc.status != 400 or exc.body is None:
            raise
        return JSONResponse(exc.body, status_code=400)
