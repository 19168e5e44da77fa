"""At-risk flags: a line in the project's notes for each worker on leave during it.

The PSA (Harvest) has no at-risk state on assignments or projects, and its assignments
carry no dates. What its API does allow is the project's notes, which the project's
managers read in the PSA: an overlapping leave adds one line there, naming the worker,
the dates and the leave request; the request's cancellation (or the end of the leave)
removes exactly that line. Pure functions, so the step stays idempotent.
"""

from __future__ import annotations

from datetime import date

NOTES_LIMIT = 2000


def tag(leave_request_id: str) -> str:
    """What identifies a leave request's flag line."""
    return f"(leave request {leave_request_id})"


def flag_line(leave_request_id: str, employee_number: str, starts_on: date, ends_on: date) -> str:
    return (
        f"At risk: {employee_number} is on leave {starts_on.isoformat()} to "
        f"{ends_on.isoformat()} {tag(leave_request_id)}"
    )


def overlaps(
    project_starts: date | None, project_ends: date | None, starts_on: date, ends_on: date
) -> bool:
    """Whether a project (open-ended when a date is missing) runs during the leave."""
    return (project_starts is None or project_starts <= ends_on) and (
        project_ends is None or project_ends >= starts_on
    )


def with_flag(notes: str | None, line: str) -> str | None:
    """Notes carrying `line`; None when they already do or would grow past the PSA's limit."""
    current = notes or ""
    if line in current.splitlines():
        return None
    updated = f"{current}\n{line}" if current else line
    return updated if len(updated) <= NOTES_LIMIT else None


def without_flag(notes: str | None, leave_request_id: str) -> str | None:
    """Notes without the request's flag line; None when there is none."""
    lines = (notes or "").splitlines()
    kept = [line for line in lines if not line.endswith(tag(leave_request_id))]
    return None if kept == lines else "\n".join(kept)
