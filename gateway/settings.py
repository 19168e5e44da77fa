"""Gateway settings, read from `ATRIUM_*` environment variables in `create_app`."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from gateway.upstream import UpstreamTransport


class Profile(StrEnum):
    """Embedded runs on one machine with no services; production uses PostgreSQL and Redis."""

    EMBEDDED = "embedded"
    PRODUCTION = "production"


class GatewaySettings(BaseSettings):
    """Everything the gateway reads from its environment."""

    model_config = SettingsConfigDict(env_prefix="ATRIUM_", extra="ignore")

    profile: Profile = Profile.EMBEDDED
    data_dir: Path = Field(
        default=Path("var"), description="Where embedded-profile data lives (relative to cwd)."
    )
    database_url: SecretStr | None = Field(
        default=None,
        description="SQLAlchemy URL; defaults to SQLite under data_dir. "
        "Production: postgresql+psycopg://user:pass@host/db",
    )
    redis_url: SecretStr | None = None
    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=1, le=65535)
    log_level: str = "INFO"
    upstream_transport: UpstreamTransport = "aiohttp"
    max_body_bytes: int = Field(default=1_048_576, ge=1)
    readiness_timeout_s: float = Field(default=1.0, gt=0)
    issuer: str | None = Field(
        default=None, description="`iss` of the tokens we sign; defaults to the base URL."
    )
    audience: str = Field(default="atrium", description="`aud` our APIs require.")
    access_token_ttl_s: int = Field(default=600, ge=300, le=900)
    token_leeway_s: int = Field(default=30, ge=0, le=60)
    max_token_bytes: int = Field(default=8192, ge=512)
    key_cache_ttl_s: float = Field(default=30.0, gt=0)
    public_base_url: str | None = Field(
        default=None,
        description="Base URL printed and used in links; defaults to http://host:port.",
    )

    def resolved_database_url(self) -> str:
        """The database URL, defaulting to SQLite under the data directory."""
        if self.database_url is not None:
            return self.database_url.get_secret_value()
        return f"sqlite+aiosqlite:///{(self.data_dir / 'atrium.db').resolve()}"

    def base_url(self) -> str:
        return self.public_base_url or f"http://{self.host}:{self.port}"

    def token_issuer(self) -> str:
        return self.issuer or self.base_url()
