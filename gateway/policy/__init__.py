"""Policies loaded from the YAML files under `policies/` and applied at the edge."""
