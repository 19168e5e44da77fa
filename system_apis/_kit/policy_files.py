"""Reading the YAML policies a system API needs: ownership and its field mappings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from contracts.ownership import OwnershipPolicy
from contracts.problems import ProblemError, ProblemFieldError


def read_yaml(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def load_mapping(policy_dir: Path, role: str) -> dict[str, Any]:
    """`policies/mappings/<role>.yaml` as a dict."""
    data = read_yaml(policy_dir / "mappings" / f"{role}.yaml")
    if not isinstance(data, dict):
        raise ValueError(f"mappings/{role}.yaml must be a mapping")
    return data


def load_ownership(policy_dir: Path) -> OwnershipPolicy:
    return OwnershipPolicy.model_validate(read_yaml(policy_dir / "ownership.yaml"))


def enforce_ownership(policy: OwnershipPolicy, *, system: str, obj: str, fields: set[str]) -> None:
    """Refuse (409 problem naming the owner) a write of attributes `system` does not own."""
    foreign = policy.foreign_attributes(system, obj, fields)
    if not foreign:
        return
    owners = sorted(set(foreign.values()))
    raise ProblemError(
        "not-system-of-record",
        f"The {system} API does not own {obj} attribute(s) {', '.join(foreign)}; "
        f"write them through the {' / '.join(owners)} API.",
        errors=[
            ProblemFieldError(detail=f"owned by {owner}", pointer=f"#/{field}")
            for field, owner in foreign.items()
        ],
        extensions={"owners": foreign},
    )
