"""BambooHR <-> canonical HCM records: pure functions driven by policies/mappings/hcm.yaml."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from contracts.common import Money, Provenance
from contracts.hcm import (
    CostCentre,
    Employment,
    EmploymentType,
    LeaveRequest,
    LeaveStatus,
    LeaveUnit,
    OrgUnit,
    OrgUnitKind,
    Worker,
    WorkerCreate,
    WorkerStatus,
    WorkerUpdate,
)
from contracts.problems import ProblemError, ProblemFieldError
from system_apis.hcm.connector.models import (
    BambooEmployee,
    BambooListField,
    BambooListOption,
    BambooTimeOffRequest,
)

SYSTEM = "bamboohr"
_PAY_RATE = re.compile(r"^\s*(?P<amount>-?\d+(?:\.\d+)?)\s*(?P<currency>[A-Z]{3})\s*$")
# BambooHR writes an empty date as all zeros.
_EMPTY_DATE = "0000-00-00"


@dataclass(frozen=True, slots=True)
class HcmMapping:
    """policies/mappings/hcm.yaml, validated into the shape the mappers read."""

    legal_entity_by_division: Mapping[str, str]
    org_unit_lists: Mapping[OrgUnitKind, str]
    worker_org_unit: OrgUnitKind
    cost_centre_field: str
    cost_centre_pattern: re.Pattern[str]
    cost_centre_format: str
    grade_field: str
    capacity_field: str
    default_weekly_hours: Decimal
    working_weekdays: frozenset[int]
    employment_types: Mapping[str, EmploymentType]
    leave_status: Mapping[str, LeaveStatus]
    sensitive: Mapping[str, str]

    @classmethod
    def from_policy(cls, data: Mapping[str, Any]) -> HcmMapping:
        """Read the YAML document; a missing or malformed key raises KeyError/ValueError."""
        capacity = data["capacity"]
        return cls(
            legal_entity_by_division=dict(data["legal_entity_by_division"]),
            org_unit_lists={OrgUnitKind(k): v for k, v in data["org_unit_lists"].items()},
            worker_org_unit=OrgUnitKind(data["worker_org_unit"]),
            cost_centre_field=data["cost_centre"]["field"],
            cost_centre_pattern=re.compile(data["cost_centre"]["pattern"]),
            cost_centre_format=data["cost_centre"]["format"],
            grade_field=data["grade_field"],
            capacity_field=capacity["field"],
            default_weekly_hours=Decimal(str(capacity["default_weekly_hours"])),
            working_weekdays=frozenset(int(d) for d in capacity["working_weekdays"]),
            employment_types={k: EmploymentType(v) for k, v in data["employment_types"].items()},
            leave_status={k: LeaveStatus(v) for k, v in data["leave_status"].items()},
            sensitive=dict(data.get("sensitive") or {}),
        )

    @property
    def custom_fields(self) -> tuple[str, ...]:
        """The custom employee fields get-employee must also be asked for."""
        return (self.cost_centre_field, self.grade_field, self.capacity_field)

    def division_for(self, legal_entity: str) -> str | None:
        """The BambooHR division standing for a legal entity code."""
        for division, code in self.legal_entity_by_division.items():
            if code == legal_entity:
                return division
        return None


# --- vendor -> canonical --------------------------------------------------------------


def parse_date(value: str | None) -> date | None:
    """A BambooHR date ('YYYY-MM-DD'; empty, null or all zeros mean none)."""
    if not value or value == _EMPTY_DATE:
        return None
    return date.fromisoformat(value)


def parse_datetime(value: str | None) -> datetime | None:
    """A BambooHR ISO 8601 timestamp, or None when absent or unreadable."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def parse_pay_rate(value: str | None) -> Money | None:
    """BambooHR's pay rate text ('95.00 USD') as money; None when empty or unreadable."""
    match = _PAY_RATE.match(value or "")
    if match is None:
        return None
    return Money(amount=Decimal(match["amount"]), currency=match["currency"])


def parse_hours(value: Any, default: Decimal) -> Decimal:
    """A custom hours field (number or numeric text); the default when empty or unreadable."""
    if value is None or value == "":
        return default
    try:
        hours = Decimal(str(value))
    except InvalidOperation:
        return default
    return hours if hours.is_finite() and 0 <= hours <= 168 else default


def worker_status(status: str | None, termination_date: date | None) -> WorkerStatus:
    """Active stays active; an inactive employee with a termination date is terminated."""
    if status == "Active":
        return WorkerStatus.ACTIVE
    if termination_date is not None:
        return WorkerStatus.TERMINATED
    return WorkerStatus.INACTIVE


def employment_type(raw: str | None, m: HcmMapping) -> EmploymentType | None:
    if not raw:
        return None
    return m.employment_types.get(raw, EmploymentType.OTHER)


def org_unit_id(kind: OrgUnitKind, remote_id: str | int | None) -> str | None:
    """The canonical id of a department or division ('department-12')."""
    if remote_id is None or remote_id == "":
        return None
    return f"{kind.value}-{remote_id}"


def parse_cost_centre(option: Any, m: HcmMapping) -> tuple[str, str] | None:
    """(code, name) from a cost-centre option text; None when empty or not in the pattern."""
    if not isinstance(option, str):
        return None
    match = m.cost_centre_pattern.match(option)
    if match is None:
        return None
    return match["code"], match["name"]


def _optional_text(value: Any) -> str | None:
    return None if value is None or value == "" else str(value)


def to_canonical_employment(emp: BambooEmployee, m: HcmMapping) -> Employment:
    """The employment part of a worker."""
    termination = parse_date(emp.termination_date)
    unit_remote_id = (
        emp.department_id if m.worker_org_unit is OrgUnitKind.DEPARTMENT else emp.division_id
    )
    cost_centre = parse_cost_centre(emp.custom(m.cost_centre_field), m)
    return Employment(
        status=worker_status(emp.status, termination),
        employment_type=employment_type(emp.employment_status, m),
        job_title=_optional_text(emp.job_title_name),
        legal_entity=m.legal_entity_by_division.get(emp.division or ""),
        org_unit_id=org_unit_id(m.worker_org_unit, unit_remote_id),
        cost_centre=cost_centre[0] if cost_centre else None,
        grade=_optional_text(emp.custom(m.grade_field)),
        location=_optional_text(emp.location),
        manager_id=_optional_text(emp.reports_to_id),
        hire_date=parse_date(emp.hire_date),
        termination_date=termination,
        weekly_capacity_hours=parse_hours(emp.custom(m.capacity_field), m.default_weekly_hours),
        compensation=parse_pay_rate(emp.pay_rate),
    )


def provenance(remote_id: str, last_changed: str | None = None) -> Provenance:
    return Provenance(
        system=SYSTEM,
        remote_id=remote_id,
        version=last_changed,
        modified_at=parse_datetime(last_changed),
    )


def to_canonical_worker(emp: BambooEmployee, m: HcmMapping) -> Worker:
    """A BambooHR employee (get-employee with our fields) as a canonical worker."""
    display = emp.display_name or f"{emp.preferred_name or emp.first_name} {emp.last_name}"
    return Worker(
        id=emp.id,
        employee_number=_optional_text(emp.employee_number),
        first_name=emp.first_name,
        last_name=emp.last_name,
        preferred_name=_optional_text(emp.preferred_name),
        display_name=display,
        email=_optional_text(emp.work_email),
        employment=to_canonical_employment(emp, m),
        provenance=provenance(emp.id, emp.last_changed),
    )


def _list_field(fields: list[BambooListField], alias: str) -> BambooListField | None:
    return next((f for f in fields if f.alias == alias), None)


def to_canonical_org_unit(kind: OrgUnitKind, option: BambooListOption) -> OrgUnit:
    """One option of a department or division list as an org unit."""
    return OrgUnit(
        id=f"{kind.value}-{option.id}",
        name=option.name,
        kind=kind,
        archived=option.archived == "yes",
        provenance=provenance(str(option.id)),
    )


def to_canonical_org_units(fields: list[BambooListField], m: HcmMapping) -> list[OrgUnit]:
    """Departments and divisions from BambooHR's list fields, in the configured order."""
    units: list[OrgUnit] = []
    for kind, alias in m.org_unit_lists.items():
        field = _list_field(fields, alias)
        units += [
            to_canonical_org_unit(kind, option) for option in (field.options if field else [])
        ]
    return units


def to_canonical_cost_centres(fields: list[BambooListField], m: HcmMapping) -> list[CostCentre]:
    """Cost centres from the configured custom list; options not in the pattern are skipped."""
    field = _list_field(fields, m.cost_centre_field)
    centres: list[CostCentre] = []
    for option in field.options if field else []:
        parsed = parse_cost_centre(option.name, m)
        if parsed is None:
            continue
        centres.append(
            CostCentre(
                code=parsed[0],
                name=parsed[1],
                archived=option.archived == "yes",
                provenance=provenance(str(option.id)),
            )
        )
    return centres


def to_canonical_leave_request(req: BambooTimeOffRequest, m: HcmMapping) -> LeaveRequest | None:
    """A time-off request as canonical leave; None for a status the policy does not map."""
    status = m.leave_status.get(req.status.status)
    if status is None:
        return None
    unit = LeaveUnit.DAYS if req.amount.unit == "days" else LeaveUnit.HOURS
    return LeaveRequest(
        id=str(req.id),
        worker_id=str(req.employee_id),
        leave_type=req.type.name if req.type else None,
        status=status,
        start=req.start,
        end=req.end,
        amount=req.amount.amount,
        unit=unit,
        days=dict(req.dates),
        created=req.created,
        provenance=provenance(str(req.id)),
    )


def vendor_leave_statuses(statuses: list[LeaveStatus], m: HcmMapping) -> str:
    """The `status` query value for BambooHR (comma-separated vendor spellings)."""
    return ",".join(vendor for vendor, ours in m.leave_status.items() if ours in statuses)


# --- canonical -> vendor --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Directory:
    """What writes must look up: org unit names by canonical id, cost centres by code."""

    org_units: Mapping[str, OrgUnit]
    cost_centres: Mapping[str, CostCentre]


@dataclass(frozen=True, slots=True)
class EmployeeWrite:
    """A canonical write as BambooHR wants it: employee fields, and a jobInfo row if any."""

    fields: dict[str, str]
    job_info: dict[str, str] | None


_EMPLOYEE_FIELDS = {
    "employee_number": "employeeNumber",
    "first_name": "firstName",
    "last_name": "lastName",
    "preferred_name": "preferredName",
    "email": "workEmail",
    "hire_date": "hireDate",
}
_JOB_FIELDS = {
    "job_title": "jobTitle",
    "location": "location",
    "manager_id": "reportsTo",
}


def _refuse(field: str, detail: str) -> ProblemError:
    return ProblemError(
        "validation-failed",
        f"The request refers to an unknown {field.replace('_', ' ')}.",
        errors=[ProblemFieldError(detail=detail, pointer=f"#/{field}")],
    )


def _org_unit_name(value: str, m: HcmMapping, directory: Directory) -> str:
    unit = directory.org_units.get(value)
    if unit is None or unit.kind is not m.worker_org_unit:
        raise _refuse("org_unit_id", f"not a {m.worker_org_unit.value} of this HCM")
    return unit.name


def _cost_centre_option(code: str, m: HcmMapping, directory: Directory) -> str:
    centre = directory.cost_centres.get(code)
    if centre is None:
        raise _refuse("cost_centre", "not a cost centre of this HCM")
    return m.cost_centre_format.format(code=centre.code, name=centre.name)


def _division(code: str, m: HcmMapping) -> str:
    division = m.division_for(code)
    if division is None:
        raise _refuse("legal_entity", "not a legal entity of this HCM")
    return division


def _employment_status(value: EmploymentType, m: HcmMapping) -> str:
    for vendor, ours in m.employment_types.items():
        if ours is value:
            return vendor
    raise _refuse("employment_type", "not an employment type of this HCM")


def _text(value: Any) -> str:
    # BambooHR clears a field when it is sent empty.
    return "" if value is None else str(value)


def _employee_fields(
    values: Mapping[str, Any], written: set[str], m: HcmMapping, directory: Directory
) -> dict[str, str]:
    fields = {_EMPLOYEE_FIELDS[k]: _text(values[k]) for k in written if k in _EMPLOYEE_FIELDS}
    if "grade" in written:
        fields[m.grade_field] = _text(values["grade"])
    if "cost_centre" in written:
        code = values["cost_centre"]
        fields[m.cost_centre_field] = _cost_centre_option(code, m, directory) if code else ""
    if "employment_type" in written:
        kind = values["employment_type"]
        fields["employmentStatus"] = _employment_status(kind, m) if kind else ""
    return fields


def _job_info(
    values: Mapping[str, Any], written: set[str], m: HcmMapping, directory: Directory
) -> dict[str, str]:
    row = {_JOB_FIELDS[k]: _text(values[k]) for k in written if k in _JOB_FIELDS}
    if "org_unit_id" in written:
        unit = values["org_unit_id"]
        row["department"] = _org_unit_name(unit, m, directory) if unit else ""
    if "legal_entity" in written:
        code = values["legal_entity"]
        row["division"] = _division(code, m) if code else ""
    return row


def current_job_row(emp: BambooEmployee) -> dict[str, str]:
    """The job fields in effect, as a jobInfo row: a new row must restate what stays."""
    current = {
        "jobTitle": emp.job_title_name,
        "department": emp.department,
        "division": emp.division,
        "location": emp.location,
        "reportsTo": emp.reports_to_id,
    }
    return {k: v for k, v in current.items() if v}


def from_canonical_worker(
    attrs: WorkerCreate | WorkerUpdate, m: HcmMapping, directory: Directory, *, today: date
) -> EmployeeWrite:
    """A worker write as BambooHR employee fields plus, for job changes, a jobInfo row."""
    written = attrs.written_attributes()
    values = {name: getattr(attrs, name) for name in written}
    fields = _employee_fields(values, written, m, directory)
    row = _job_info(values, written, m, directory)
    if not row:
        return EmployeeWrite(fields=fields, job_info=None)
    effective = attrs.effective_date or (
        attrs.hire_date if isinstance(attrs, WorkerCreate) else today
    )
    return EmployeeWrite(fields=fields, job_info={"date": effective.isoformat(), **row})
