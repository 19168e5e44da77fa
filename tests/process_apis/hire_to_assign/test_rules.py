"""The pure rules of hire-to-assign: change kinds, the role taxonomy, webhook signatures."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from pydantic import SecretStr, ValidationError

from contracts.common import Provenance
from contracts.hcm import Employment, Worker, WorkerStatus
from contracts.problems import ProblemError
from policies import POLICY_DIR
from process_apis.hire_to_assign.changes import change_of
from process_apis.hire_to_assign.roles import RoleTaxonomy, load_roles
from process_apis.hire_to_assign.signatures import sign, verify
from process_apis.hire_to_assign.v1.schemas import ChangeKind
from sandboxes.demo_firm import build_demo_firm

CHANGED = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


def worker(status: WorkerStatus, hired: date, changed: datetime | None = CHANGED) -> Worker:
    return Worker(
        id="7",
        employee_number="E0007",
        first_name="Ada",
        last_name="Quinn",
        display_name="Ada Quinn",
        employment=Employment(status=status, hire_date=hired),
        provenance=Provenance(system="bamboohr", remote_id="7", modified_at=changed),
    )


@pytest.mark.parametrize(
    ("status", "hired", "kind"),
    [
        (WorkerStatus.ACTIVE, date(2026, 11, 20), ChangeKind.HIRE),
        (WorkerStatus.INACTIVE, date(2026, 12, 1), ChangeKind.HIRE),
        (WorkerStatus.ACTIVE, date(2026, 11, 19), ChangeKind.CHANGE),
        (WorkerStatus.TERMINATED, date(2026, 12, 1), ChangeKind.TERMINATION),
    ],
)
def test_the_kind_of_change_follows_the_hcm_record(
    status: WorkerStatus, hired: date, kind: ChangeKind
) -> None:
    change = change_of(worker(status, hired))

    assert change is not None
    assert change.kind is kind
    assert change.run_key() == f"E0007:{kind.value}:20261120T093000Z"


def test_the_same_change_in_another_offset_is_the_same_run() -> None:
    local = CHANGED.astimezone(datetime.fromisoformat("2026-01-01T00:00:00+05:30").tzinfo)
    first = change_of(worker(WorkerStatus.ACTIVE, date(2020, 1, 1)))
    again = change_of(worker(WorkerStatus.ACTIVE, date(2020, 1, 1), local))

    assert first is not None
    assert again is not None
    assert first.run_key() == again.run_key()


def test_a_record_without_change_time_starts_nothing() -> None:
    assert change_of(worker(WorkerStatus.ACTIVE, date(2020, 1, 1), None)) is None


def test_every_job_title_of_the_demo_firm_has_a_role_with_rates_for_its_entity() -> None:
    taxonomy = load_roles(POLICY_DIR)
    firm = build_demo_firm()

    for person in firm.workers:
        role = taxonomy.for_title(person.job_title)
        assert role is not None, person.job_title
        assert taxonomy.currency_of(person.legal_entity) in role.rates
    assert taxonomy.for_title("  solution   ARCHITECT ") == taxonomy.named("Solution Architect")


def test_a_job_title_in_two_roles_is_refused() -> None:
    rates = {"USD": {"cost": "1.00", "bill": "2.00"}}
    roles = [
        {"role": "A", "grade": "G1", "job_titles": ["Analyst"], "rates": rates},
        {"role": "B", "grade": "G2", "job_titles": ["analyst"], "rates": rates},
    ]

    with pytest.raises(ValidationError, match="in roles 'A' and 'B'"):
        RoleTaxonomy.model_validate({"roles": roles, "currency_by_legal_entity": {}})


def test_signatures_are_checked_for_key_body_and_age() -> None:
    secret, body, now = SecretStr("s3cret"), b'{"changes":[]}', 1_800_000_000.0
    good = {"x-hcm-timestamp": str(int(now)), "x-hcm-signature": sign("s3cret", "1800000000", body)}

    verify(secret, good, body, now=now, tolerance_s=300)
    for headers, sent, at in (
        (good, b'{"changes":[1]}', now),
        (good, body, now + 301),
        ({**good, "x-hcm-signature": sign("other", "1800000000", body)}, body, now),
        ({}, body, now),
    ):
        with pytest.raises(ProblemError) as refused:
            verify(secret, headers, sent, now=at, tolerance_s=300)
        assert refused.value.problem_type.code == "invalid-signature"
