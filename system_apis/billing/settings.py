"""Settings of the billing system API (Stripe), read from ATRIUM_BILLING_* variables."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class BillingSettings(BaseSettings):
    """Where Stripe is, which account we are, and how hard we may push it."""

    model_config = SettingsConfigDict(env_prefix="ATRIUM_BILLING_", extra="ignore")

    base_url: str = "http://127.0.0.1:8204"
    # The sandbox's demo test-mode key; production sets a restricted live key.
    secret_key: SecretStr = SecretStr("sk_test_atrium_demo_51NzQdLkT3stK3y")
    account_id: str = Field(default="acct_1AtriumDemoFirm", description="Quota tenant.")
    stripe_version: str = "2023-08-16"
    # Stripe's published limits: 100 reads and 100 writes per second in live mode, 25 each in
    # test mode. One budget for both keeps us under either.
    rate_limit: str = "25/second"
    quota_max_wait_s: float = Field(default=30.0, gt=0)
    timeout_s: float = Field(default=10.0, gt=0)
    connect_timeout_s: float = Field(default=2.0, gt=0)
    max_connections: int = Field(default=20, ge=1)
    retry_attempts: int = Field(default=4, ge=1, le=10)
    retry_base_delay_s: float = Field(default=0.2, ge=0)
    retry_max_delay_s: float = Field(default=5.0, ge=0)
    breaker_threshold: int = Field(default=5, ge=1)
    breaker_reset_s: float = Field(default=30.0, gt=0)
    transport: Literal["httpx", "aiohttp"] = "httpx"
