"""Settings of the leave-sync triggers (`ATRIUM_LEAVE_SYNC_*`)."""

from __future__ import annotations

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

MAX_WINDOW_DAYS = 365


class LeaveSyncSettings(BaseSettings):
    """How the HCM's leave requests are polled, and how its webhook is authenticated."""

    model_config = SettingsConfigDict(env_prefix="ATRIUM_LEAVE_SYNC_")

    poll_interval_s: float = Field(
        default=60.0, ge=0, description="Seconds between polls of the HCM; 0 turns polling off."
    )
    poll_past_days: int = Field(
        default=7, ge=0, description="How far back a poll looks for leave (by its end date)."
    )
    poll_ahead_days: int = Field(
        default=180, ge=1, description="How far ahead a poll looks for leave."
    )
    webhook_secret: SecretStr | None = Field(
        default=None,
        description="HMAC-SHA256 key of the HCM's webhook signatures; when set, unsigned or "
        "badly signed notifications are refused.",
    )
    webhook_tolerance_s: float = Field(
        default=300.0, gt=0, description="How old a signed notification may be."
    )

    @model_validator(mode="after")
    def _one_hcm_query(self) -> LeaveSyncSettings:
        # The HCM answers leave queries of at most 366 days.
        if self.poll_past_days + self.poll_ahead_days > MAX_WINDOW_DAYS:
            raise ValueError(f"poll_past_days + poll_ahead_days exceeds {MAX_WINDOW_DAYS}")
        return self
