"""GraphQL enums mirroring the enums of the contracts and process APIs (a test keeps them equal).

They are mirrored rather than decorated in place so that `contracts` stays free of GraphQL.
"""

from __future__ import annotations

from enum import Enum

import strawberry


@strawberry.enum(description="Whether a worker is employed.")
class WorkerStatus(Enum):
    ACTIVE = "active"
    INACTIVE = "inactive"
    TERMINATED = "terminated"


@strawberry.enum(description="The contract a worker is on.")
class EmploymentType(Enum):
    FULL_TIME = "full_time"
    PART_TIME = "part_time"
    CONTRACTOR = "contractor"
    OTHER = "other"


@strawberry.enum(description="How the HCM groups workers.")
class OrgUnitKind(Enum):
    DEPARTMENT = "department"
    DIVISION = "division"


@strawberry.enum(description="Whether a project is running.")
class ProjectStatus(Enum):
    ACTIVE = "active"
    ARCHIVED = "archived"


@strawberry.enum(description="Whether a time entry is approved (and locked).")
class ApprovalState(Enum):
    PENDING = "pending"
    APPROVED = "approved"


@strawberry.enum(description="Where a billing invoice is: draft, open (finalized), paid, void.")
class InvoiceStatus(Enum):
    DRAFT = "draft"
    OPEN = "open"
    PAID = "paid"
    VOID = "void"
    UNCOLLECTIBLE = "uncollectible"


@strawberry.enum(description="A manual journal's state in the ledger.")
class JournalStatus(Enum):
    DRAFT = "draft"
    POSTED = "posted"
    VOIDED = "voided"
    DELETED = "deleted"
    ARCHIVED = "archived"


@strawberry.enum(description="Which side of the ledger a journal line is on.")
class JournalSide(Enum):
    DEBIT = "debit"
    CREDIT = "credit"


@strawberry.enum(description="Where a flow run is; PARKED waits for a person (see its exception).")
class RunStatus(Enum):
    QUEUED = "queued"
    RUNNING = "running"
    PARKED = "parked"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


@strawberry.enum(description="Where an exception is: OPEN and CLAIMED can still be acted on.")
class ExceptionStatus(Enum):
    OPEN = "open"
    CLAIMED = "claimed"
    RESOLVED = "resolved"
    CANCELLED = "cancelled"


@strawberry.enum(description="What put an exception in the queue.")
class ExceptionKind(Enum):
    PARKED_RUN = "parked-run"
    FAILED_RUN = "failed-run"
    DEAD_LETTER = "dead-letter"
