"""Tabular data: the jobInfo table (read all rows, add a row)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from sandboxes.bamboohr.deps import StoreDep
from sandboxes.bamboohr.documents import touch
from sandboxes.bamboohr.errors import BambooError
from sandboxes.bamboohr.writes import add_job_row, read_json_body

router = APIRouter()

TABLES = ("jobInfo",)


def _check(store: Any, employee_id: str, table: str) -> None:
    if table not in TABLES:
        raise BambooError(404, "Table not found")
    if not employee_id.isdigit() or store.get("employees", employee_id) is None:
        raise BambooError(404, "Employee not found")


@router.get("/api/v1/employees/{employee_id}/tables/{table}")
def get_table(employee_id: str, table: str, store: StoreDep) -> list[dict[str, Any]]:
    """Get Employee Table Data: every row, values as text."""
    _check(store, employee_id, table)
    return [
        {k: str(v) for k, v in row.items()} for row in store.find(table, employeeId=employee_id)
    ]


@router.post("/api/v1/employees/{employee_id}/tables/{table}")
async def add_table_row(
    employee_id: str, table: str, request: Request, store: StoreDep
) -> Response:
    """Create Table Row: 200 with no body."""
    _check(store, employee_id, table)
    body = await read_json_body(request)
    with store.transaction():
        add_job_row(store, employee_id, body)
        touch(store, employee_id)
    return Response(status_code=200)
