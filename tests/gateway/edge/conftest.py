"""Fixtures for the edge-policy tests: the throwaway API and a gateway per database."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr

from gateway.settings import GatewaySettings
from tests.fixtures.apps import ApiFolder
from tests.fixtures.edge import add_edge_api, write_policies


@pytest.fixture
def edge_base(api_folder: ApiFolder) -> str:
    return add_edge_api(api_folder)


@pytest.fixture
def edge_settings(settings: GatewaySettings, tmp_path: Path) -> GatewaySettings:
    """Settings whose policy folder covers the test API, with generous rate limits."""
    return settings.model_copy(update={"policy_dir": write_policies(tmp_path / "policies")})


@pytest.fixture(params=["sqlite", "postgres"])
def db_settings(request: pytest.FixtureRequest, edge_settings: GatewaySettings) -> GatewaySettings:
    """The edge settings on SQLite, then on PostgreSQL (skipped locally when it is down)."""
    if request.param == "postgres":
        url = request.getfixturevalue("postgres_url")
        return edge_settings.model_copy(update={"database_url": SecretStr(url)})
    return edge_settings
