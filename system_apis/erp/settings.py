"""Settings of the ERP system API (Xero): where Xero is, our token, and its published limits."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class ErpSettings(BaseSettings):
    """`ATRIUM_ERP_*`; defaults talk to the local Xero sandbox with its demo token."""

    model_config = SettingsConfigDict(env_prefix="ATRIUM_ERP_", extra="ignore")

    base_url: str = Field(
        default="http://127.0.0.1:8201",
        description="Xero's API host; the accounting API lives under /api.xro/2.0 on it.",
    )
    access_token: SecretStr = SecretStr("xero-sandbox-access-token")
    connect_timeout_s: float = Field(default=2.0, gt=0)
    timeout_s: float = Field(default=10.0, gt=0)
    transport: Literal["httpx", "aiohttp"] = "httpx"
    # Xero's published limits per tenant: 60 calls a minute, 5,000 a day, 5 at a time.
    tenant_limits: str = Field(
        default="60/minute;5000/day", description="Outbound quota per tenant ('a;b' windows)."
    )
    tenant_concurrency: int = Field(default=5, ge=1)
    quota_max_wait_s: float = Field(default=60.0, gt=0)
    retry_attempts: int = Field(default=4, ge=1)
    retry_max_delay_s: float = Field(default=5.0, gt=0)
    retry_max_after_s: float = Field(default=30.0, ge=0)
    entity_cache_s: float = Field(
        default=60.0, ge=0, description="How long organisations and lock dates are cached."
    )
