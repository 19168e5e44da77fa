"""Settings of the flow runtime (`ATRIUM_FLOWS_*`), from the environment the gateway hands over."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

APPLICATION_VERSION = "atrium-flows-1"
"""Pinned DBOS application version. Bump it only with a flow change that cannot be patched;
see ARCHITECTURE.md ("Changing a flow while runs are in flight")."""


class FlowSettings(BaseSettings):
    """Where the durable engine keeps its state and how this process takes part."""

    model_config = SettingsConfigDict(env_prefix="ATRIUM_FLOWS_")

    system_database_url: SecretStr | None = Field(
        default=None,
        description="DBOS system database. Default: the gateway's PostgreSQL database when it "
        "has one, else SQLite (WAL) at <data_dir>/flows.sqlite.",
    )
    executor_id: str = Field(
        default="atrium-local",
        pattern=r"^[A-Za-z0-9._-]{1,64}$",
        description="Stable id of this process: a restarted process recovers its own runs.",
    )
    heartbeat_interval_s: float = Field(default=5.0, gt=0)
    executor_stale_after_s: float = Field(
        default=60.0,
        gt=0,
        description="An executor silent this long is presumed dead; its runs are recovered here.",
    )
    reaper_interval_s: float = Field(default=10.0, gt=0)
    park_wait_s: float = Field(
        default=86_400.0, gt=0, description="How long one wait for a human lasts before re-arming."
    )
