"""The rate-limit policy file: parsing, validation and bucket selection."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from contracts.policies import RateLimitPolicy, RateWindow
from gateway.policy.rate_limits import PolicyFileError, load_rate_limits, resolve_bucket
from policies import POLICY_DIR


@pytest.mark.parametrize(
    ("text", "limit", "seconds", "label"),
    [
        ("20/second", 20, 1, "1s"),
        ("5000/hour", 5000, 3600, "1h"),
        ("100 / 5 minutes", 100, 300, "5m"),
        ("7/day", 7, 86400, "1d"),
        ("3/90 seconds", 3, 90, "90s"),
    ],
)
def test_window_text_is_parsed(text: str, limit: int, seconds: int, label: str) -> None:
    window = RateWindow.model_validate(text)
    assert (window.limit, window.seconds, window.label) == (limit, seconds, label)


@pytest.mark.parametrize("text", ["20", "20/fortnight", "0/second", "-1/second", "x/hour"])
def test_malformed_window_is_refused(text: str) -> None:
    with pytest.raises(ValidationError):
        RateWindow.model_validate(text)


def test_packaged_policy_loads_with_default_partner_and_internal_tiers() -> None:
    policy = load_rate_limits(POLICY_DIR / "rate_limits.yaml")
    assert {"standard", "partner", "internal"} <= set(policy.tiers)
    assert all(len(windows) >= 2 for windows in policy.tiers.values())


@pytest.mark.parametrize(
    "document",
    [
        {"default_tier": "gold", "tiers": {"standard": ["1/second"]}},
        {"tiers": {"standard": []}},
        {
            "tiers": {"standard": ["1/second"]},
            "route_groups": [{"name": "w", "limits": {"platinum": ["1/second"]}}],
        },
        {
            "tiers": {"standard": ["1/second"]},
            "route_groups": [{"name": "all", "limits": {"standard": ["1/second"]}}],
        },
    ],
    ids=["unknown-default", "empty-tier", "group-unknown-tier", "reserved-group-name"],
)
def test_inconsistent_policy_is_refused(document: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        RateLimitPolicy.model_validate(document)


def test_unreadable_policy_file_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "rate_limits.yaml"
    path.write_text("tiers: [not, a, mapping]")
    with pytest.raises(PolicyFileError, match=r"rate_limits\.yaml"):
        load_rate_limits(path)


POLICY = RateLimitPolicy.model_validate(
    {
        "tiers": {"standard": ["10/second"], "partner": ["5/second"]},
        "route_groups": [
            {
                "name": "runs",
                "methods": ["post"],
                "path_prefix": "/process/",
                "limits": {"standard": ["1/second"]},
            },
            {
                "name": "writes",
                "methods": ["POST", "PATCH"],
                "limits": {"standard": ["2/second"], "partner": ["1/second"]},
            },
        ],
    }
)


@pytest.mark.parametrize(
    ("tier", "method", "path", "group", "limit"),
    [
        ("standard", "GET", "/system/erp/v1/x", "all", 10),
        ("standard", "POST", "/process/flow/v1/runs", "runs", 1),
        ("standard", "POST", "/system/erp/v1/x", "writes", 2),
        ("partner", "POST", "/process/flow/v1/runs", "writes", 1),  # runs has no partner entry
        ("partner", "GET", "/system/erp/v1/x", "all", 5),
        (None, "PATCH", "/system/erp/v1/x", "writes", 2),
        ("unknown", "GET", "/system/erp/v1/x", "all", 10),
    ],
)
def test_first_matching_group_listing_the_tier_wins(
    tier: str | None, method: str, path: str, group: str, limit: int
) -> None:
    bucket = resolve_bucket(POLICY, tier, method, path)
    assert bucket.group == group
    assert bucket.windows[0].limit == limit
    assert bucket.tier == (tier if tier in POLICY.tiers else "standard")
