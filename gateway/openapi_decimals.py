"""Give decimal inputs a pattern: pydantic documents them as "a number or any string".

A client (or a contract-test generator) reading `{"type": "string"}` may send `""` or
`"abc"` and be refused; the pattern says which strings are decimals, signed as the
number branch's minimum allows.
"""

from __future__ import annotations

from typing import Any

DECIMAL = r"^[+-]?(\d+(\.\d*)?|\.\d+)$"
NON_NEGATIVE = r"^\+?(\d+(\.\d*)?|\.\d+)$"
POSITIVE = r"^\+?(\d*[1-9]\d*(\.\d*)?|\d*\.\d*[1-9]\d*)$"


def decimal_pattern(number: dict[str, Any]) -> str:
    """The string pattern matching the bounds of a decimal's number branch."""
    exclusive = number.get("exclusiveMinimum")
    minimum = number.get("minimum")
    if exclusive is not None and exclusive >= 0:
        return POSITIVE
    if minimum is not None and minimum > 0:
        return POSITIVE
    if minimum is not None and minimum >= 0:
        return NON_NEGATIVE
    return DECIMAL


def with_decimal_patterns(node: Any) -> Any:
    """Walk a document and add a pattern to every bare string branch of a number|string."""
    if isinstance(node, dict):
        branches = node.get("anyOf")
        if isinstance(branches, list) and len(branches) == 2:
            numbers = [b for b in branches if isinstance(b, dict) and b.get("type") == "number"]
            strings = [b for b in branches if b == {"type": "string"}]
            if numbers and strings:
                strings[0]["pattern"] = decimal_pattern(numbers[0])
        for value in node.values():
            with_decimal_patterns(value)
    elif isinstance(node, list):
        for value in node:
            with_decimal_patterns(value)
    return node
