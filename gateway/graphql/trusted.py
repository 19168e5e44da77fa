"""Trusted documents: GraphQL operations known in advance, sent by their SHA-256.

A request names a trusted document with `extensions.persistedQuery.sha256Hash` (the
convention of Apollo's persisted queries, `version: 1`), with or without its text:

- hash alone: the text is the trusted document's (unknown hash: 422 `unknown-document`);
- hash and text: the text must hash to it (else 422), so a client cannot smuggle another text;
- text alone: accepted, unless the gateway takes trusted documents only (403
  `untrusted-document`) — then only a text that is itself a trusted document passes.

Trusted documents are the console's own (always) and those of an optional manifest file, a
JSON object of SHA-256 hex -> text (what GraphQL Codegen's and Relay's persisted-document
outputs produce); each key is checked against its text when the file is loaded.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from contracts.problems import ProblemError

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


def document_hash(text: str) -> str:
    """The hex SHA-256 of a document's UTF-8 text."""
    return hashlib.sha256(text.encode()).hexdigest()


class TrustedManifestError(ValueError):
    """The manifest file cannot be used; the message names the file and the fault."""


def load_manifest(path: Path) -> dict[str, str]:
    """The manifest's documents by hash; refuses a key that is not its text's SHA-256."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise TrustedManifestError(f"{path}: {error}") from error
    if not isinstance(raw, dict):
        raise TrustedManifestError(f"{path}: expected a JSON object of SHA-256 -> document")
    documents = {}
    for key, text in raw.items():
        if not isinstance(text, str) or document_hash(text) != key:
            raise TrustedManifestError(f"{path}: {key!r} is not the SHA-256 of its document")
        documents[key] = text
    return documents


def _requested_hash(extensions: Mapping[str, object] | None) -> str | None:
    """The sha256Hash of `extensions.persistedQuery`, if the request names one."""
    if not extensions or "persistedQuery" not in extensions:
        return None
    persisted = extensions["persistedQuery"]
    if not isinstance(persisted, Mapping) or persisted.get("version") != 1:
        raise ProblemError(
            "malformed-request", "extensions.persistedQuery must be {version: 1, sha256Hash}."
        )
    value = persisted.get("sha256Hash")
    if not isinstance(value, str) or not _SHA256.match(value):
        raise ProblemError(
            "malformed-request", "persistedQuery.sha256Hash must be 64 lower-case hex digits."
        )
    return value


@dataclass(frozen=True, slots=True)
class TrustedDocuments:
    """The documents clients may send by hash, and whether nothing else is accepted."""

    by_hash: Mapping[str, str] = field(default_factory=dict)
    only: bool = False

    @classmethod
    def build(
        cls, builtin: Iterable[str], manifest: Path | None = None, *, only: bool = False
    ) -> TrustedDocuments:
        documents = {document_hash(text): text for text in builtin}
        if manifest is not None:
            documents |= load_manifest(manifest)
        return cls(documents, only)

    def resolve(self, query: str | None, extensions: Mapping[str, object] | None) -> str | None:
        """The text to execute for a request, or a ProblemError saying why there is none."""
        wanted = _requested_hash(extensions)
        if wanted is not None:
            if query is None:
                text = self.by_hash.get(wanted)
                if text is None:
                    raise ProblemError(
                        "unknown-document", f"No trusted document has the SHA-256 {wanted}."
                    )
                return text
            if document_hash(query) != wanted:
                raise ProblemError(
                    "unknown-document", "The query's SHA-256 is not persistedQuery.sha256Hash."
                )
        if self.only and query is not None and document_hash(query) not in self.by_hash:
            raise ProblemError(
                "untrusted-document",
                "This gateway runs trusted GraphQL documents only; send a known sha256Hash.",
            )
        return query
