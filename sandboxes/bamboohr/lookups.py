"""What an employee's fields are read from besides the employee, loaded once per request.

Rendering employees one `Store.find` at a time (their jobInfo rows, each list field's
options) made a 200-employee list quadratic; `Lookups` reads those collections once and
answers every employee of the request from memory.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sandboxes._kit.store import Doc, Store


def job_in_effect(rows: Iterable[Doc], today: date) -> Doc:
    """The jobInfo row in effect on `today` (latest date not after it, ties by id), or {}."""
    started = [r for r in rows if date.fromisoformat(r["date"]) <= today]
    return max(started, key=lambda r: (r["date"], int(r["id"])), default={})


def rows_by_employee(rows: Iterable[Doc]) -> dict[str, list[Doc]]:
    """jobInfo rows grouped by employee id (text, as `find(employeeId=...)` matches them)."""
    grouped: dict[str, list[Doc]] = {}
    for row in rows:
        owner = row.get("employeeId")
        if isinstance(owner, str):
            grouped.setdefault(owner, []).append(row)
    return grouped


def option_ids(lists: Iterable[Doc]) -> dict[str, dict[str, str]]:
    """List alias -> option name -> option id as text; the first list and option win."""
    by_alias: dict[str, dict[str, str]] = {}
    for field in lists:
        alias = field.get("alias")
        if not isinstance(alias, str) or alias in by_alias:
            continue
        names = by_alias[alias] = {}
        for option in field["options"]:
            names.setdefault(option["name"], str(option["id"]))
    return by_alias


class Lookups:
    """jobInfo rows in effect, list option ids and managers, for one request's employees."""

    def __init__(self, store: Store, job_rows: Iterable[Doc], today: date | None = None) -> None:
        self.store = store
        self.today = today or date.today()
        self._rows = rows_by_employee(job_rows)
        self._jobs: dict[str, Doc] = {}
        self._options = option_ids(store.all("lists"))
        self._employees: dict[str, Doc | None] = {}

    @classmethod
    def for_all(cls, store: Store, today: date | None = None) -> Lookups:
        """Lookups for a request about many employees: every jobInfo row, read once."""
        return cls(store, store.all("jobInfo"), today)

    @classmethod
    def for_employee(cls, store: Store, employee_id: str, today: date | None = None) -> Lookups:
        """Lookups for a request about one employee: only that employee's jobInfo rows."""
        return cls(store, store.find("jobInfo", employeeId=employee_id), today)

    def job(self, employee_id: str) -> Doc:
        """The employee's jobInfo row in effect today, or {}."""
        if employee_id not in self._jobs:
            self._jobs[employee_id] = job_in_effect(self._rows.get(employee_id, ()), self.today)
        return self._jobs[employee_id]

    def option_id(self, alias: str, name: str | None) -> str | None:
        """The id of the option called `name` in list `alias`, as text."""
        if not name:
            return None
        return self._options.get(alias, {}).get(name)

    def employee(self, employee_id: object) -> Doc | None:
        """Another employee (a manager), fetched at most once per request."""
        key = str(employee_id)
        if key not in self._employees:
            self._employees[key] = self.store.get("employees", key)
        return self._employees[key]
