"""What run and step views may show: sensitive values masked, upstream ids picked out."""

from __future__ import annotations

from typing import Any

SENSITIVE = (
    "rate",
    "cost",
    "compensation",
    "salary",
    "pay",
    "margin",
    "secret",
    "token",
    "password",
    "email",
    "iban",
)
"""Key fragments whose values never appear in a run view (rates, pay, credentials, contact)."""

NOT_SENSITIVE = ("cost_centre", "cost_center", "costcentre", "costcenter")
"""Keys a fragment above would catch that name no amount: a cost centre is a dimension code."""

MASK = "[redacted]"
_MAX_ITEMS = 50
_MAX_TEXT = 500


def _sensitive(key: str) -> bool:
    lowered = key.lower()
    if lowered in NOT_SENSITIVE:
        return False
    return any(fragment in lowered for fragment in SENSITIVE)


def redact(value: Any, _depth: int = 0) -> Any:
    """A copy of `value` with sensitive keys masked and long lists and strings cut."""
    if _depth > 8:
        return "…"
    if isinstance(value, dict):
        return {
            str(k): MASK if _sensitive(str(k)) else redact(v, _depth + 1) for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        items = [redact(v, _depth + 1) for v in list(value)[:_MAX_ITEMS]]
        if len(value) > _MAX_ITEMS:
            items.append(f"… {len(value) - _MAX_ITEMS} more")
        return items
    if isinstance(value, str) and len(value) > _MAX_TEXT:
        return value[:_MAX_TEXT] + "…"
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)[:_MAX_TEXT]


def upstream_ids(output: Any) -> dict[str, str]:
    """The upstream record ids a step reported: top-level `…_id` / `…_number` string fields."""
    if not isinstance(output, dict):
        return {}
    return {
        str(k): v
        for k, v in output.items()
        if isinstance(v, str) and (str(k).endswith(("_id", "_number")) or k == "id")
    }
