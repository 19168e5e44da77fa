"""BambooHR payloads as the vendor sends them, for mapping and connector tests."""

from __future__ import annotations

from typing import Any


def employee(**over: Any) -> dict[str, Any]:
    """Get Employee with every field the HCM API asks for."""
    body: dict[str, Any] = {
        "id": "56",
        "employeeNumber": "E0056",
        "firstName": "Robert",
        "lastName": "Martin",
        "preferredName": None,
        "displayName": "Robert Martin",
        "workEmail": "robert.martin@atrium-advisory.example",
        "jobTitleName": "Data Analyst",
        "status": "Active",
        "employmentStatus": "Full-Time",
        "department": "Data & Analytics",
        "departmentId": "3",
        "division": "Atrium Advisory Inc.",
        "divisionId": "1",
        "location": "New York",
        "reportsToId": "52",
        "hireDate": "2026-01-29",
        "terminationDate": "0000-00-00",
        "payRate": "45.00 USD",
        "lastChanged": "2026-01-29T09:00:00+00:00",
        "customCostCenter": "CC-US01-DAT · Data & Analytics US",
        "customGrade": "G1",
        "customWeeklyHours": "40",
    }
    return {**body, **over}


def list_fields() -> list[dict[str, Any]]:
    """List List Fields: departments, divisions, a location list and the cost centres."""

    def options(*names: str, archived: tuple[str, ...] = ()) -> list[dict[str, Any]]:
        return [
            {"id": i, "name": n, "archived": "yes" if n in archived else "no"}
            for i, n in enumerate(names, start=1)
        ]

    return [
        {
            "fieldId": "4",
            "alias": "department",
            "name": "Department",
            "options": options(
                "Consulting", "Engineering", "Data & Analytics", "Old Dept", archived=("Old Dept",)
            ),
        },
        {
            "fieldId": "1355",
            "alias": "division",
            "name": "Division",
            "options": options("Atrium Advisory Inc.", "Atrium Advisory Ltd"),
        },
        {"fieldId": "3", "alias": "location", "name": "Location", "options": options("London")},
        {
            "fieldId": "4001",
            "alias": "customCostCenter",
            "name": "Cost Center",
            "options": options(
                "CC-US01-DAT · Data & Analytics US",
                "not a cost centre",
                "CC-OLD · Retired",
                archived=("CC-OLD · Retired",),
            ),
        },
    ]


def time_off(**over: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": 5,
        "employeeId": 7,
        "name": "Naomi Robinson",
        "start": "2026-10-08",
        "end": "2026-10-09",
        "created": "2026-10-01",
        "status": {"lastChanged": "2026-10-02", "lastChangedByUserId": 1, "status": "approved"},
        "type": {"id": 78, "name": "Vacation", "icon": "palm-trees"},
        "amount": {"unit": "days", "amount": 2},
        "dates": {"2026-10-08": 1, "2026-10-09": 1},
    }
    return {**body, **over}
