"""The base every vendor connector stands on: quota, breaker, retries, error mapping, parsing."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Mapping
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from system_apis._kit.breaker import CircuitBreaker
from system_apis._kit.errors import (
    FieldError,
    SchemaDriftError,
    VendorAuthError,
    VendorConflictError,
    VendorError,
    VendorNotFoundError,
    VendorRateLimitedError,
    VendorRejectedError,
    VendorTimeoutError,
    VendorUnavailableError,
)
from system_apis._kit.quota import OutboundQuota
from system_apis._kit.retry import RetryPolicy, parse_retry_after

M = TypeVar("M", bound=BaseModel)
STATUS_ERRORS: dict[int, type[VendorError]] = {
    401: VendorAuthError,
    403: VendorAuthError,
    404: VendorNotFoundError,
    409: VendorConflictError,
}
_log = logging.getLogger("atrium.connector")


class VendorConnector:
    """One vendor's HTTP conversation; subclasses add one method per vendor endpoint."""

    def __init__(
        self,
        vendor: str,
        client: httpx.AsyncClient,
        *,
        quota: OutboundQuota,
        breaker: CircuitBreaker | None = None,
        retry: RetryPolicy | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.vendor = vendor
        self.client = client
        self.quota = quota
        self.breaker = breaker or CircuitBreaker()
        self.retry = retry or RetryPolicy()
        self._rng = rng or random.Random()  # noqa: S311 - jitter, not security

    async def aclose(self) -> None:
        await self.client.aclose()
        await self.quota.aclose()

    async def send(
        self,
        method: str,
        path: str,
        *,
        idempotent: bool,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        data: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        """Send one logical call; retried only when `idempotent` (GETs, keyed writes)."""
        attempts = self.retry.attempts if idempotent else 1
        for attempt in range(1, attempts + 1):
            try:
                return await self._attempt(
                    method, path, params=params, json=json, data=data, headers=headers
                )
            except VendorError as exc:
                if not exc.retriable or attempt == attempts:
                    raise
                delay = self.retry.delay(attempt, getattr(exc, "retry_after_s", None), self._rng)
                _log.info(
                    "retrying vendor call",
                    extra={"vendor": self.vendor, "attempt": attempt, "delay_s": round(delay, 3)},
                )
                await asyncio.sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _attempt(self, method: str, path: str, **request: Any) -> httpx.Response:
        if not self.breaker.allow():
            raise VendorRateLimitedError(
                self.vendor, "circuit open", status=None, retry_after_s=self.breaker.retry_after_s()
            )
        await self.quota.acquire()
        try:
            response = await self.client.request(method, path, **request)
        except httpx.TimeoutException as exc:
            self.breaker.record_failure()
            raise VendorTimeoutError(
                self.vendor, f"{type(exc).__name__} on {method} {path}"
            ) from None
        except httpx.TransportError as exc:
            self.breaker.record_failure()
            raise VendorUnavailableError(self.vendor, f"{type(exc).__name__}: {exc}") from None
        error = self.classify(response) if response.is_error else None
        if error is None:
            self.breaker.record_success()
            return response
        if error.retriable:
            self.breaker.record_failure()
        else:
            self.breaker.record_success()  # the vendor is up; the request was wrong
        raise error

    def classify(self, response: httpx.Response) -> VendorError:
        """The error for a non-2xx vendor response: the status table, split retriable/fatal."""
        status = response.status_code
        message = f"HTTP {status} on {response.request.method} {response.request.url.path}"
        if status == 429:
            retry_after = parse_retry_after(response.headers.get("retry-after"))
            return VendorRateLimitedError(self.vendor, message, retry_after_s=retry_after)
        if status in (400, 422):
            errors = self.field_errors(response)
            return VendorRejectedError(self.vendor, message, status=status, errors=errors)
        cls = STATUS_ERRORS.get(status, VendorUnavailableError if status >= 500 else VendorError)
        return cls(self.vendor, message, status=status)

    def field_errors(self, response: httpx.Response) -> list[FieldError]:
        """Vendor validation errors as pointers into our request; override per vendor."""
        return []

    def parse(self, model: type[M], payload: Any) -> M:
        """A vendor payload as `model`: extra fields tolerated, missing ones reported as drift."""
        try:
            return model.model_validate(payload)
        except ValidationError as exc:
            fields = [
                ".".join(str(part) for part in error["loc"])
                + ("" if error["type"] == "missing" else " (invalid)")
                for error in exc.errors()
            ]
            raise SchemaDriftError(self.vendor, model.__name__, fields) from None
