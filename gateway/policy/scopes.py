"""Load `scopes.yaml`: the scope catalogue and the scopes each operation requires."""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from contracts.policies import ScopePolicy
from gateway.policy.files import PolicyFileError, read_policy_yaml

POLICY_FILE = "scopes.yaml"


def load_scope_policy(policy_dir: Path) -> ScopePolicy:
    """Read and validate `<policy_dir>/scopes.yaml`."""
    path = policy_dir / POLICY_FILE
    try:
        return ScopePolicy.model_validate(read_policy_yaml(path))
    except ValidationError as exc:
        raise PolicyFileError(f"{path}: {exc}") from exc
