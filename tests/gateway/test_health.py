"""Liveness touches nothing; readiness checks the database and, when configured, Redis."""

from __future__ import annotations

import httpx
from pydantic import SecretStr

from gateway.app import create_app
from gateway.settings import GatewaySettings
from tests.fixtures.apps import serving
from tests.fixtures.servers import free_port


async def test_livez(client: httpx.AsyncClient) -> None:
    response = await client.get("/livez")
    assert response.json() == {"status": "ok", "checks": {}}


async def test_readyz_on_embedded_sqlite(
    client: httpx.AsyncClient, settings: GatewaySettings
) -> None:
    response = await client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "redis": "skipped"}
    assert (settings.data_dir / "atrium.db").exists()


async def test_readyz_with_postgres_and_redis(
    settings: GatewaySettings, postgres_url: str, redis_url: str
) -> None:
    configured = settings.model_copy(
        update={"database_url": SecretStr(postgres_url), "redis_url": SecretStr(redis_url)}
    )
    async with serving(create_app(configured)) as client:
        response = await client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "redis": "ok"}


async def test_readyz_fails_fast_when_redis_is_down(settings: GatewaySettings) -> None:
    dead = SecretStr(f"redis://127.0.0.1:{free_port()}/0")
    configured = settings.model_copy(update={"redis_url": dead, "readiness_timeout_s": 0.5})
    async with serving(create_app(configured)) as client:
        response = await client.get("/readyz")
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["failed_checks"] == ["redis"]


async def test_readyz_fails_when_postgres_is_unreachable(settings: GatewaySettings) -> None:
    dead = SecretStr(f"postgresql+psycopg://nobody@127.0.0.1:{free_port()}/none")
    configured = settings.model_copy(update={"database_url": dead, "readiness_timeout_s": 2})
    async with serving(create_app(configured)) as client:
        response = await client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failed_checks"] == ["database"]
    assert "nobody" not in response.text
