"""The operations console's documents validate against the schema.

gateway/console/ sends exactly these documents (by hash); renaming a field the console
reads must fail here first, not in a browser.
"""

from __future__ import annotations

import pytest
from graphql import parse, validate

from gateway.console.documents import DOCUMENTS
from gateway.graphql.schema import build_schema

SCHEMA = build_schema()._schema


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_the_consoles_document_is_valid(name: str) -> None:
    assert validate(SCHEMA, parse(DOCUMENTS[name])) == []
