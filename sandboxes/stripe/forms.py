"""Stripe request parameters: form-encoded bodies (and query strings) with bracketed nesting.

`metadata[project]=X&period[start]=1&expand[]=customer` → `{"metadata": {"project": "X"},
"period": {"start": "1"}, "expand": ["customer"]}`. Values stay strings; the coercers below
turn them into what a route expects, answering Stripe's own error for bad input.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qsl

from fastapi import Request

from sandboxes.stripe.errors import StripeError, invalid_param, missing_param, unknown_param

_KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")
Params = dict[str, Any]


def nest(pairs: Iterable[tuple[str, str]]) -> Params:
    """Bracketed keys → nested dicts and lists (one level is all our endpoints use)."""
    out: Params = {}
    for key, value in pairs:
        match = _KEY.match(key)
        if match is None:
            raise invalid_param(key, f"Invalid parameter name: {key}")
        name, brackets = match.group(1), match.group(2)
        parts = re.findall(r"\[([^\[\]]*)\]", brackets)
        if not parts:
            out[name] = value
        elif parts[0] == "" or parts[0].isdigit():
            out.setdefault(name, []).append(value)
        else:
            inner = out.setdefault(name, {})
            if not isinstance(inner, dict):
                raise invalid_param(name, f"Invalid {name}: must be an object")
            inner[parts[0]] = value
    return out


async def form_params(request: Request) -> Params:
    """A POST's parameters; Stripe reads form-encoded bodies only."""
    body = (await request.body()).decode("utf-8", errors="replace")
    content_type = request.headers.get("content-type", "")
    if body and not content_type.startswith("application/x-www-form-urlencoded"):
        raise StripeError(
            400,
            "Invalid request: the body must be application/x-www-form-urlencoded.",
        )
    return nest(parse_qsl(body, keep_blank_values=True))


def query_params(request: Request) -> Params:
    """A GET's parameters from the query string."""
    return nest(request.query_params.multi_items())


def check_known(params: Params, allowed: set[str]) -> None:
    """Stripe refuses parameters an endpoint does not take; we refuse `expand` out loud."""
    for name in params:
        if name not in allowed:
            raise unknown_param(name)
    if "expand" in params:
        # Stripe would expand the named fields; answering unexpanded would mislead a client.
        raise invalid_param("expand", "This sandbox does not expand objects.")


def text(params: Params, name: str, *, required: bool = False) -> str | None:
    value = params.get(name)
    if value is None:
        if required:
            raise missing_param(name)
        return None
    if not isinstance(value, str):
        raise invalid_param(name, f"Invalid {name}: must be a string")
    if len(value) > 5000:
        raise invalid_param(name, f"Invalid {name}: must be at most 5000 characters")
    return value


def integer(params: Params, name: str, *, required: bool = False) -> int | None:
    value = text(params, name, required=required)
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        raise invalid_param(
            name, f"Invalid integer: {value}", "parameter_invalid_integer"
        ) from None


def boolean(params: Params, name: str) -> bool | None:
    value = text(params, name)
    if value is None:
        return None
    if value not in ("true", "false"):
        raise invalid_param(name, f"Invalid boolean: {value}")
    return value == "true"


def choice(params: Params, name: str, options: tuple[str, ...]) -> str | None:
    value = text(params, name)
    if value is not None and value not in options:
        raise invalid_param(name, f"Invalid {name}: must be one of {', '.join(options)}")
    return value


def metadata(params: Params) -> dict[str, str] | None:
    """`metadata[k]=v` pairs; `metadata=""` clears all (returned as `{}` plus a clear marker)."""
    value = params.get("metadata")
    if value is None:
        return None
    if value == "":
        return {}
    if not isinstance(value, dict):
        raise invalid_param("metadata", "Invalid metadata: must be an object")
    if len(value) > 50:
        raise invalid_param("metadata", "Invalid metadata: at most 50 keys")
    for key, item in value.items():
        if len(key) > 40 or len(item) > 500:
            raise invalid_param(
                f"metadata[{key}]", "Metadata keys are at most 40 characters and values at most 500"
            )
    return dict(value)


def merge_metadata(
    current: dict[str, str], changes: dict[str, str] | None, *, clear: bool
) -> dict[str, str]:
    """Stripe's metadata update: an empty value removes its key; `metadata=""` removes all."""
    merged = {} if clear else dict(current)
    for key, value in (changes or {}).items():
        if value == "":
            merged.pop(key, None)
        else:
            merged[key] = value
    return merged
