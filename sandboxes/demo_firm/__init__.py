"""A deterministic demo professional-services firm that every sandbox seeds from.

firm = build_demo_firm()          # seed 42, memoised; firm.today is 2026-10-31
firm.workers[0].employee_number   # "E0001"
firm.absent_from("psa", "worker") # keys a system deliberately lacks
"""

from sandboxes.demo_firm.builder import build_demo_firm
from sandboxes.demo_firm.firm import DemoFirm
from sandboxes.demo_firm.records import (
    Account,
    AccountingPeriod,
    Assignment,
    CostCentre,
    Customer,
    Department,
    Grade,
    Inconsistency,
    Invoice,
    InvoiceLine,
    LeaveRequest,
    LegalEntity,
    Project,
    ProjectTask,
    Task,
    TimeEntry,
    Worker,
)

__all__ = [
    "Account",
    "AccountingPeriod",
    "Assignment",
    "CostCentre",
    "Customer",
    "DemoFirm",
    "Department",
    "Grade",
    "Inconsistency",
    "Invoice",
    "InvoiceLine",
    "LeaveRequest",
    "LegalEntity",
    "Project",
    "ProjectTask",
    "Task",
    "TimeEntry",
    "Worker",
    "build_demo_firm",
]
