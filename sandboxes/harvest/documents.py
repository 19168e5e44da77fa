"""Stored documents (flat, with foreign ids) rendered as Harvest's nested JSON objects."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sandboxes._kit.store import Store
from sandboxes.harvest.errors import NotFound

Doc = dict[str, Any]


def now() -> str:
    """A Harvest timestamp (UTC, seconds)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def stamped(doc: Doc) -> Doc:
    """`doc` with fresh created_at/updated_at."""
    at = now()
    return {**doc, "created_at": at, "updated_at": at}


def fetch(store: Store, collection: str, id_: str | int) -> Doc:
    """A stored document or Harvest's 404."""
    doc = store.get(collection, str(id_)) if str(id_).isdigit() else None
    if doc is None:
        raise NotFound
    return doc


def newest_first(docs: list[Doc]) -> list[Doc]:
    """Harvest lists the most recently created records first."""
    return sorted(docs, key=lambda d: (d["created_at"], d["id"]), reverse=True)


def keep(docs: list[Doc], *, is_active: bool | None, updated_since: str | None) -> list[Doc]:
    """The filters every Harvest list shares."""
    if is_active is not None:
        docs = [d for d in docs if d["is_active"] is is_active]
    if updated_since:
        docs = [d for d in docs if d["updated_at"] >= updated_since]
    return docs


@dataclass
class Lookup:
    """Referenced documents, loaded once per request to render nested objects."""

    store: Store
    cache: dict[str, dict[int, Doc]] = field(default_factory=dict)

    def one(self, collection: str, id_: int) -> Doc:
        if collection not in self.cache:
            self.cache[collection] = {d["id"]: d for d in self.store.all(collection)}
        return self.cache[collection][id_]


def ref(doc: Doc, *extra: str) -> Doc:
    return {"id": doc["id"], "name": doc["name"], **{k: doc.get(k) for k in extra}}


def user_ref(user: Doc) -> Doc:
    return {"id": user["id"], "name": f"{user['first_name']} {user['last_name']}"}


def render_project(doc: Doc, lookup: Lookup) -> Doc:
    client = lookup.one("clients", doc["client_id"])
    body = {k: v for k, v in doc.items() if k != "client_id"}
    return {"id": doc["id"], "client": ref(client, "currency"), **body}


def render_task_assignment(doc: Doc, lookup: Lookup) -> Doc:
    project = lookup.one("projects", doc["project_id"])
    task = lookup.one("tasks", doc["task_id"])
    body = {k: v for k, v in doc.items() if k not in ("project_id", "task_id")}
    return {"id": doc["id"], "project": ref(project, "code"), "task": ref(task), **body}


def render_user_assignment(doc: Doc, lookup: Lookup) -> Doc:
    project = lookup.one("projects", doc["project_id"])
    user = lookup.one("users", doc["user_id"])
    body = {k: v for k, v in doc.items() if k not in ("project_id", "user_id")}
    return {"id": doc["id"], "project": ref(project, "code"), "user": user_ref(user), **body}


def render_time_entry(doc: Doc, lookup: Lookup, *, detailed: bool = False) -> Doc:
    """A time entry; lists leave out its assignments (as Harvest's list response does)."""
    project = lookup.one("projects", doc["project_id"])
    client = lookup.one("clients", project["client_id"])
    task = lookup.one("tasks", doc["task_id"])
    user = lookup.one("users", doc["user_id"])
    hidden = ("project_id", "task_id", "user_id", "user_assignment", "task_assignment")
    body = {k: v for k, v in doc.items() if k not in hidden}
    rendered = {
        "id": doc["id"],
        "spent_date": doc["spent_date"],
        "user": user_ref(user),
        "client": ref(client),
        "project": ref(project),
        "task": ref(task),
        **body,
    }
    if detailed:
        rendered |= _assignments_of(doc, lookup)
    return rendered


def _assignments_of(doc: Doc, lookup: Lookup) -> Doc:
    """The user and task assignments behind a time entry, when they exist."""
    found: Doc = {}
    pairs = (
        ("user_assignment", "user_assignments", "user_id", render_user_assignment),
        ("task_assignment", "task_assignments", "task_id", render_task_assignment),
    )
    for key, collection, column, render in pairs:
        rows = lookup.store.find(collection, project_id=doc["project_id"], **{column: doc[column]})
        if rows:
            found[key] = render(rows[0], lookup)
    return found
