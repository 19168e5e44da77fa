"""Trusted-document manifests: SHA-256 -> document, each key checked when loaded."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gateway.graphql.trusted import (
    TrustedDocuments,
    TrustedManifestError,
    document_hash,
    load_manifest,
)

TYPENAME = "{ __typename }"
PROJECTS = "{ projects(first: 1) { edges { node { name } } } }"


def test_a_manifest_maps_each_hash_to_its_document(tmp_path: Path) -> None:
    manifest = tmp_path / "documents.json"
    manifest.write_text(json.dumps({document_hash(PROJECTS): PROJECTS}))
    assert load_manifest(manifest) == {document_hash(PROJECTS): PROJECTS}
    trusted = TrustedDocuments.build([TYPENAME], manifest, only=True)
    assert set(trusted.by_hash) == {document_hash(PROJECTS), document_hash(TYPENAME)}


@pytest.mark.parametrize(
    ("content", "fault"),
    [
        (json.dumps({document_hash(TYPENAME): PROJECTS}), "is not the SHA-256 of its document"),
        (json.dumps([PROJECTS]), "expected a JSON object"),
        ("{not json", "Expecting property name"),
    ],
    ids=["wrong-hash", "not-an-object", "not-json"],
)
def test_a_faulty_manifest_is_refused_naming_the_file(
    tmp_path: Path, content: str, fault: str
) -> None:
    manifest = tmp_path / "documents.json"
    manifest.write_text(content)
    with pytest.raises(TrustedManifestError, match=fault) as refused:
        load_manifest(manifest)
    assert str(manifest) in str(refused.value)
