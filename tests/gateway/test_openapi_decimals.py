"""Decimal inputs are documented with a pattern that only decimals match."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from pydantic import BaseModel, Field

from gateway.openapi_decimals import decimal_pattern, with_decimal_patterns


class Amounts(BaseModel):
    any_sign: Decimal
    non_negative: Decimal = Field(ge=0)
    positive: Decimal = Field(gt=0)


def string_branch(schema: dict, name: str) -> dict:
    return next(b for b in schema["properties"][name]["anyOf"] if b.get("type") == "string")


def test_adds_patterns_to_the_string_branch_of_decimals() -> None:
    schema = with_decimal_patterns(Amounts.model_json_schema())
    assert string_branch(schema, "any_sign")["pattern"] == decimal_pattern({})
    assert string_branch(schema, "non_negative")["pattern"] == decimal_pattern({"minimum": 0})
    assert string_branch(schema, "positive")["pattern"] == decimal_pattern({"exclusiveMinimum": 0})


@pytest.mark.parametrize(
    ("bounds", "accepted", "refused"),
    [
        ({}, ["1", "-2.5", "+.5", "10."], ["", "-", ".", "1e3", "abc"]),
        ({"minimum": 0}, ["0", "0.00", "12.5"], ["-1", "", "."]),
        ({"exclusiveMinimum": 0}, ["0.01", "10", "007"], ["0", "0.00", "-1", ""]),
    ],
)
def test_pattern_accepts_what_pydantic_accepts_within_bounds(
    bounds: dict, accepted: list[str], refused: list[str]
) -> None:
    pattern = re.compile(decimal_pattern(bounds))
    for text in accepted:
        assert pattern.match(text), text
        Decimal(text)
    for text in refused:
        assert not pattern.match(text), text


def test_leaves_other_unions_alone() -> None:
    schema = {"anyOf": [{"type": "integer"}, {"type": "string"}]}
    assert with_decimal_patterns(schema) == {"anyOf": [{"type": "integer"}, {"type": "string"}]}
