"""Settings of the hire-to-assign triggers (`ATRIUM_HIRE_TO_ASSIGN_*`)."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class HireToAssignSettings(BaseSettings):
    """How often the HCM is polled for changes, and how its webhook is authenticated."""

    model_config = SettingsConfigDict(env_prefix="ATRIUM_HIRE_TO_ASSIGN_")

    poll_interval_s: float = Field(
        default=60.0, ge=0, description="Seconds between polls of the HCM; 0 turns polling off."
    )
    poll_overlap_s: float = Field(
        default=5.0,
        ge=0,
        description="Each poll re-reads this much before the last change it saw (clock skew, "
        "second-precision HCM timestamps); a change seen twice is still one run.",
    )
    webhook_secret: SecretStr | None = Field(
        default=None,
        description="HMAC-SHA256 key of the HCM's webhook signatures; when set, unsigned or "
        "badly signed notifications are refused.",
    )
    webhook_tolerance_s: float = Field(
        default=300.0, gt=0, description="How old a signed notification may be."
    )
