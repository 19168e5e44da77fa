"""Stripe's idempotent requests: the first result of a key is replayed for the same request.

A key reused with different parameters is a 400 `idempotency_error`. Results are kept once
the request started executing (so a validation failure is not replayed), per account.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse

from sandboxes._kit.store import Store
from sandboxes.stripe.auth import Account
from sandboxes.stripe.errors import StripeError

Execute = Callable[[], dict[str, Any]]


def fingerprint(request: Request, params: dict[str, Any]) -> str:
    """What makes two requests "the same": method, path and parameters."""
    material = json.dumps([request.method, request.url.path, params], sort_keys=True)
    return hashlib.sha256(material.encode()).hexdigest()


def _reused(key: str) -> StripeError:
    return StripeError(
        400,
        "Keys for idempotent requests can only be used with the same parameters they were "
        f"first used with. Try using a key other than '{key}' if you meant to execute a "
        "different request.",
        type="idempotency_error",
        kept=False,
    )


def run_keyed(
    request: Request, store: Store, account: Account, params: dict[str, Any], execute: Execute
) -> JSONResponse:
    """Run a POST once per Idempotency-Key; replay its first answer afterwards."""
    key = request.headers.get("idempotency-key")
    if key is None:
        return JSONResponse(execute())
    if len(key) > 255:
        raise StripeError(400, "Invalid Idempotency-Key: at most 255 characters.", kept=False)
    print_ = fingerprint(request, params)
    stored = store.recall_idempotent(account.id, key)
    if stored is not None:
        if stored.fingerprint != print_:
            raise _reused(key)
        return _replay(stored.response)
    try:
        status, body = 200, execute()
    except StripeError as exc:
        if not exc.kept:
            raise
        status, body = exc.status, exc.envelope()
    store.remember_idempotent(account.id, key, print_, {"status": status, "body": body})
    return JSONResponse(body, status_code=status)


def _replay(answer: dict[str, Any]) -> JSONResponse:
    return JSONResponse(
        answer["body"], status_code=answer["status"], headers={"Idempotent-Replayed": "true"}
    )
