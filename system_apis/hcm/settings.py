"""Settings of the HCM system API (BambooHR), read from ATRIUM_HCM_* variables."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class HcmSettings(BaseSettings):
    """Where BambooHR is, which company and key we use, and how hard we may push it."""

    model_config = SettingsConfigDict(env_prefix="ATRIUM_HCM_", extra="ignore")

    base_url: str = "http://127.0.0.1:8202"
    company_domain: str = Field(default="atrium", description="The {companyDomain} tenant.")
    api_key: SecretStr = SecretStr("bamboohr-demo-api-key")
    # BambooHR publishes no figure; it throttles per API key with 429/503 + Retry-After.
    # This is the budget the sandbox enforces, and the one we keep to.
    rate_limits: list[str] = Field(default_factory=lambda: ["100/10 seconds"])
    quota_max_wait_s: float = Field(default=60.0, gt=0)
    timeout_s: float = Field(default=10.0, gt=0)
    connect_timeout_s: float = Field(default=2.0, gt=0)
    max_connections: int = Field(default=20, ge=1)
    retry_attempts: int = Field(default=4, ge=1, le=10)
    transport: Literal["httpx", "aiohttp"] = "httpx"
    page_size: int = Field(
        default=100, ge=1, le=100, description="Employees per BambooHR page (its cap is 100)."
    )
    concurrency: int = Field(default=8, ge=1, description="Parallel detail calls per request.")
