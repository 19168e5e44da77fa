"""Account metadata: list fields (departments, divisions, locations, custom lists)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from sandboxes.bamboohr.deps import StoreDep

router = APIRouter()


@router.get("/api/v1/meta/lists")
def list_fields(store: StoreDep) -> list[dict[str, Any]]:
    """List List Fields: every list field with its options (archived ones included)."""
    return [
        {
            "fieldId": str(doc["fieldId"]),
            "alias": doc["alias"],
            "name": doc["name"],
            "manageable": "yes",
            "multiple": "no",
            "options": doc["options"],
        }
        for doc in store.all("lists")
    ]
