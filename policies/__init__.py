"""Declarative policies (YAML): scopes, rate-limit tiers, ownership, mappings, SLAs."""

from pathlib import Path

POLICY_DIR = Path(__file__).parent
