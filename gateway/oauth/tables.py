"""Tables of the authorization server: clients, signing keys, revoked token ids."""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, DateTime, String, Table, Text

from gateway.database import metadata

oauth_clients = Table(
    "oauth_clients",
    metadata,
    Column("client_id", String(64), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("secret_hash", String(128), nullable=False),
    Column("scopes", JSON, nullable=False),
    Column("tier", String(64), nullable=False),
    Column("partner_id", String(128), nullable=True),
    Column("disabled", Boolean, nullable=False, default=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("secret_rotated_at", DateTime(timezone=True), nullable=False),
)

signing_keys = Table(
    "oauth_signing_keys",
    metadata,
    Column("kid", String(64), primary_key=True),
    Column("alg", String(16), nullable=False),
    Column("private_jwk", Text, nullable=False),
    Column("state", String(16), nullable=False),  # active | previous | retired
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("demoted_at", DateTime(timezone=True), nullable=True),
)

revoked_tokens = Table(
    "oauth_revoked_tokens",
    metadata,
    Column("jti", String(64), primary_key=True),
    Column("expires_at", DateTime(timezone=True), nullable=False, index=True),
)
