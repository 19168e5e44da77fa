"""Harvest payloads for the PSA tests, shaped like the sandbox's (and Harvest's) answers."""

from __future__ import annotations

from typing import Any

AT = "2026-10-30T18:00:00Z"


def client(**over: Any) -> dict[str, Any]:
    body = {
        "id": 5735001,
        "name": "C0001 · Silverline Logistics Inc.",
        "is_active": True,
        "address": "Chicago, US",
        "statement_key": "0a39d3e33c8058cf7c3f8097d854c64e",
        "currency": "USD",
        "created_at": AT,
        "updated_at": AT,
    }
    return body | over


def project(**over: Any) -> dict[str, Any]:
    body = {
        "id": 14308001,
        "client": {"id": 5735001, "name": "C0001 · Silverline Logistics Inc.", "currency": "USD"},
        "name": "Silverline Warehouse Automation",
        "code": "PRJ-0001",
        "is_active": True,
        "is_billable": True,
        "is_fixed_fee": False,
        "bill_by": "People",
        "hourly_rate": None,
        "budget": 1450.0,
        "budget_by": "project",
        "notes": None,
        "starts_on": "2026-04-23",
        "ends_on": "2027-01-24",
        "created_at": AT,
        "updated_at": AT,
    }
    return body | over


def task(**over: Any) -> dict[str, Any]:
    body = {
        "id": 8083003,
        "name": "Build",
        "billable_by_default": True,
        "default_hourly_rate": None,
        "is_default": False,
        "is_active": True,
        "created_at": AT,
        "updated_at": AT,
    }
    return body | over


def task_assignment(**over: Any) -> dict[str, Any]:
    body = {
        "id": 155502001,
        "project": {"id": 14308001, "name": "Silverline Warehouse Automation", "code": "PRJ-0001"},
        "task": {"id": 8083003, "name": "Build"},
        "is_active": True,
        "billable": True,
        "hourly_rate": 150.0,
        "budget": None,
        "created_at": AT,
        "updated_at": AT,
    }
    return body | over


def user(**over: Any) -> dict[str, Any]:
    body = {
        "id": 1782001,
        "first_name": "Olivia",
        "last_name": "Davis",
        "email": "olivia.davis@atrium-advisory.example",
        "telephone": "",
        "timezone": "Europe/London",
        "has_access_to_all_future_projects": False,
        "is_contractor": False,
        "is_active": True,
        "weekly_capacity": 135000,
        "default_hourly_rate": 195.5,
        "cost_rate": 80.25,
        "roles": ["emp:E0001", "grade:G4", "entity:GB01", "Senior Consultant"],
        "access_roles": ["member"],
        "avatar_url": "https://example.invalid/a.png",
        "created_at": AT,
        "updated_at": AT,
    }
    return body | over


def user_assignment(**over: Any) -> dict[str, Any]:
    body = {
        "id": 125068001,
        "project": {"id": 14308001, "name": "Silverline Warehouse Automation", "code": "PRJ-0001"},
        "user": {"id": 1782001, "name": "Olivia Davis"},
        "is_active": True,
        "is_project_manager": False,
        "use_default_rates": False,
        "hourly_rate": 260.0,
        "budget": None,
        "created_at": AT,
        "updated_at": AT,
    }
    return body | over


def time_entry(**over: Any) -> dict[str, Any]:
    body = {
        "id": 636708001,
        "spent_date": "2026-08-06",
        "user": {"id": 1782001, "name": "Olivia Davis"},
        "client": {"id": 5735001, "name": "C0001 · Silverline Logistics Inc."},
        "project": {"id": 14308001, "name": "Silverline Warehouse Automation"},
        "task": {"id": 8083003, "name": "Build"},
        "hours": 2.25,
        "notes": "Status report",
        "is_locked": True,
        "locked_reason": "Item Invoiced",
        "is_closed": False,
        "is_billed": True,
        "is_running": False,
        "billable": True,
        "billable_rate": 195.0,
        "cost_rate": 75.0,
        "created_at": AT,
        "updated_at": AT,
    }
    return body | over
