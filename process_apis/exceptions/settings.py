"""Settings of the exceptions API (`ATRIUM_EXCEPTIONS_*`)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class ExceptionSettings(BaseSettings):
    """How hard a bulk redrive may push, and how failed runs are found."""

    model_config = SettingsConfigDict(env_prefix="ATRIUM_EXCEPTIONS_")

    redrive_max_count: int = Field(
        default=100, ge=1, le=1000, description="Most exceptions one redrive call may retry."
    )
    redrive_rate_per_s: float = Field(
        default=5.0, gt=0, description="Pace of a redrive: retries started per second."
    )
    failed_run_sweep_s: float = Field(
        default=30.0, gt=0, description="How often failed runs are turned into exceptions."
    )
    failed_run_lookback_s: float = Field(
        default=7 * 86_400.0,
        gt=0,
        description="Failed runs started longer ago than this are not looked at.",
    )
