"""Settings of the PSA system API (Harvest v2), read from ATRIUM_PSA_* variables."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class PsaSettings(BaseSettings):
    """Where Harvest is, who we are to it, and how hard we may push it."""

    model_config = SettingsConfigDict(env_prefix="ATRIUM_PSA_", extra="ignore")

    base_url: str = "http://127.0.0.1:8203/v2"
    access_token: SecretStr = SecretStr("harvest-demo-token")
    account_id: str = "1234567"
    user_agent: str = "Atrium PSA connector (integrations@atrium.dev)"
    # Harvest's published limit: 100 requests per 15 seconds per account.
    rate_limits: list[str] = Field(default_factory=lambda: ["100/15 seconds"])
    quota_max_wait_s: float = Field(default=60.0, gt=0)
    timeout_s: float = Field(default=10.0, gt=0)
    connect_timeout_s: float = Field(default=2.0, gt=0)
    max_connections: int = Field(default=20, ge=1)
    retry_attempts: int = Field(default=4, ge=1, le=10)
    transport: Literal["httpx", "aiohttp"] = "httpx"
    directory_ttl_s: float = Field(
        default=60.0, ge=0, description="How long client/project lookups are reused."
    )
