"""Gateway settings, read from `ATRIUM_*` environment variables in `create_app`."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from gateway.upstream import UpstreamTransport
from policies import POLICY_DIR


class Profile(StrEnum):
    """Embedded runs on one machine with no services; production uses PostgreSQL and Redis."""

    EMBEDDED = "embedded"
    PRODUCTION = "production"


_LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})


def require_tls(url: str) -> str:
    """`url` if it is https (or http on loopback, for local IdPs and tests)."""
    parts = urlsplit(url)
    if parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in _LOOPBACK):
        return url
    raise ValueError(f"{url!r} must be an https URL")


class TrustedIssuer(BaseModel):
    """An external identity provider whose access tokens the gateway accepts."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    issuer: str = Field(description="The exact `iss` of its tokens; metadata is discovered here.")
    audience: str | None = Field(
        default=None, description="The `aud` its tokens must carry; defaults to ours."
    )
    jwks_uri: str | None = Field(default=None, description="Skip discovery and use this JWKS.")

    @field_validator("issuer", "jwks_uri")
    @classmethod
    def _tls(cls, url: str | None) -> str | None:
        return None if url is None else require_tls(url)


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
    # Local vendor sandboxes, a child process of `atrium serve` (sandboxes/runner.py).
    start_sandboxes: bool | None = Field(
        default=None,
        description="Start the vendor sandboxes with the gateway; default: yes in the embedded "
        "profile, no in production.",
    )
    sandbox_port_base: int = Field(
        default=8201, ge=1024, le=65000, description="xero, bamboohr, harvest, stripe from here."
    )
    sandbox_start_timeout_s: float = Field(default=60.0, gt=0, le=600)
    # External identity providers and header limits (gateway/oauth/trusted_issuers.py).
    trusted_issuers: list[TrustedIssuer] = Field(
        default_factory=list,
        description='External IdPs whose access tokens we accept; JSON, e.g. [{"issuer": '
        '"https://idp.example.com", "audience": "atrium"}].',
    )
    jwks_min_refresh_s: float = Field(
        default=60.0, gt=0, description="At most one JWKS fetch per trusted issuer this often."
    )
    jwks_max_age_s: float = Field(
        default=3600.0, gt=0, description="Refetch a trusted issuer's JWKS after this long."
    )
    jwks_fetch_timeout_s: float = Field(default=2.0, gt=0, le=30)
    max_header_bytes: int = Field(
        default=16_384, ge=1024, description="Larger request headers get a 431 problem."
    )
    policy_dir: Path = Field(
        default=POLICY_DIR, description="Folder of the policy YAML files (scopes, limits, ...)."
    )
    # Rate limits and idempotency (gateway/edge/).
    rate_limits_file: Path | None = Field(
        default=None, description="Rate-limit policy YAML; defaults to policy_dir/rate_limits.yaml."
    )
    rate_limit_timeout_s: float = Field(
        default=0.25,
        gt=0,
        le=10,
        description="Longest wait for the rate-limit counter (Redis), loop queueing included.",
    )
    rate_limit_fail_mode: Literal["open", "closed"] = Field(
        default="open",
        description="When the counter cannot answer in time: let requests through (open) "
        "or refuse them with 503 + Retry-After (closed).",
    )
    rate_limit_cooldown_s: float = Field(
        default=1.0, gt=0, description="After a counter failure, apply the fail mode this long."
    )
    denylist_timeout_s: float = Field(
        default=0.25,
        gt=0,
        le=10,
        description="Longest wait for the revocation check (Redis), loop queueing included.",
    )
    denylist_fail_mode: Literal["open", "closed"] = Field(
        default="closed",
        description="When the revocation check cannot answer in time: accept the token (open) "
        "or refuse the request with 503 + Retry-After (closed).",
    )
    denylist_cooldown_s: float = Field(
        default=1.0,
        gt=0,
        description="After a revocation-check failure, apply the fail mode this long.",
    )
    idempotency_retention_s: int = Field(
        default=86_400, ge=60, description="How long a stored Idempotency-Key response is kept."
    )
    idempotency_lease_s: float = Field(
        default=60.0, gt=0, description="After this, a key left in flight (crash) is taken over."
    )
    idempotency_purge_interval_s: float = Field(default=300.0, gt=0)
    idempotency_max_response_bytes: int = Field(default=1_048_576, ge=1)
    # Trusted documents of /graphql (gateway/graphql/trusted.py).
    graphql_trusted_documents: Path | None = Field(
        default=None,
        description="JSON object of trusted GraphQL documents, SHA-256 hex -> text, that "
        "clients may send by hash (the console's own are always trusted).",
    )
    graphql_trusted_only: bool = Field(
        default=False,
        description="Refuse every GraphQL document that is not a trusted one (403 problem).",
    )
    public_base_url: str | None = Field(
        default=None,
        description="Base URL printed and used in links; defaults to http://host:port.",
    )

    def resolved_database_url(self) -> str:
        """The database URL, defaulting to SQLite under the data directory."""
        if self.database_url is not None:
            return self.database_url.get_secret_value()
        return f"sqlite+aiosqlite:///{(self.data_dir / 'atrium.db').resolve()}"

    def sandboxes_enabled(self) -> bool:
        """Whether `atrium serve` starts the vendor sandboxes."""
        if self.start_sandboxes is not None:
            return self.start_sandboxes
        return self.profile is Profile.EMBEDDED

    def base_url(self) -> str:
        return self.public_base_url or f"http://{self.host}:{self.port}"

    def token_issuer(self) -> str:
        return self.issuer or self.base_url()
