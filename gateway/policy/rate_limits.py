"""Load the rate-limit policy and pick the bucket a request counts against."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from contracts.policies import ALL_ROUTES, RateLimitPolicy, Windows

POLICY_FILE = "rate_limits.yaml"


class PolicyFileError(Exception):
    """The policy file is missing, not YAML, or does not match its model."""


@dataclass(frozen=True, slots=True)
class Bucket:
    """What one request is counted in: a tier's windows for a group of routes."""

    tier: str
    group: str
    windows: Windows


def load_rate_limits(path: Path) -> RateLimitPolicy:
    """Read and validate a rate-limit policy file."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        return RateLimitPolicy.model_validate(document)
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise PolicyFileError(f"{path}: {exc}") from exc


def resolve_bucket(policy: RateLimitPolicy, tier: str | None, method: str, path: str) -> Bucket:
    """The bucket for a client's tier and a request; unknown tiers use the default tier."""
    if tier is None or tier not in policy.tiers:
        tier = policy.default_tier
    for group in policy.route_groups:
        windows = group.limits.get(tier)
        if windows is not None and group.matches(method, path):
            return Bucket(tier, group.name, windows)
    return Bucket(tier, ALL_ROUTES, policy.tiers[tier])
