"""The client registry: OAuth clients with hashed secrets, scopes, tier and partner binding.

Secrets are 256-bit random strings, so a single SHA-256 is the right hash: there is
nothing to brute-force, and verification stays cheap on the token endpoint.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from gateway.oauth.tables import oauth_clients

DEMO_CLIENT_ID = "demo"
TOKEN_AUTH_METHODS = frozenset({"client_secret_basic", "client_secret_post"})


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class OAuthClient:
    """A registered client; implements what authlib's ClientMixin asks of it."""

    client_id: str
    name: str
    secret_hash: str
    scopes: tuple[str, ...]
    tier: str
    partner_id: str | None
    disabled: bool

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> None:
        return None

    def get_allowed_scope(self, scope: str | None) -> str:
        requested = set(scope.split()) if scope else set(self.scopes)
        return " ".join(s for s in self.scopes if s in requested)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return False

    def check_client_secret(self, client_secret: str) -> bool:
        return hmac.compare_digest(hash_secret(client_secret), self.secret_hash)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method in TOKEN_AUTH_METHODS

    def check_response_type(self, response_type: str) -> bool:
        return False

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "client_credentials" and not self.disabled


@dataclass(frozen=True, slots=True)
class IssuedCredential:
    """A client id with its secret, shown once."""

    client_id: str
    client_secret: str


def _row_to_client(row: object) -> OAuthClient:
    m = row._mapping  # type: ignore[attr-defined]
    return OAuthClient(
        client_id=m["client_id"],
        name=m["name"],
        secret_hash=m["secret_hash"],
        scopes=tuple(m["scopes"]),
        tier=m["tier"],
        partner_id=m["partner_id"],
        disabled=m["disabled"],
    )


async def create_client(
    engine: AsyncEngine,
    *,
    name: str,
    scopes: list[str],
    tier: str = "standard",
    partner_id: str | None = None,
    client_id: str | None = None,
) -> IssuedCredential:
    """Register a client and return its credential (the secret is not stored)."""
    client_id = client_id or "cl_" + secrets.token_hex(10)
    secret = "cs_" + secrets.token_urlsafe(32)
    now = datetime.now(UTC)
    async with engine.begin() as conn:
        await conn.execute(
            insert(oauth_clients).values(
                client_id=client_id,
                name=name,
                secret_hash=hash_secret(secret),
                scopes=sorted(set(scopes)),
                tier=tier,
                partner_id=partner_id,
                disabled=False,
                created_at=now,
                secret_rotated_at=now,
            )
        )
    return IssuedCredential(client_id, secret)


async def get_client(engine: AsyncEngine, client_id: str) -> OAuthClient | None:
    """The client with this id, or None."""
    async with engine.connect() as conn:
        row = (
            await conn.execute(select(oauth_clients).where(oauth_clients.c.client_id == client_id))
        ).first()
    return _row_to_client(row) if row else None


async def list_clients(engine: AsyncEngine) -> list[OAuthClient]:
    """Every registered client, by id."""
    async with engine.connect() as conn:
        rows = await conn.execute(select(oauth_clients).order_by(oauth_clients.c.client_id))
    return [_row_to_client(r) for r in rows]


async def rotate_secret(engine: AsyncEngine, client_id: str) -> IssuedCredential | None:
    """Give a client a new secret; the old one stops working at once."""
    secret = "cs_" + secrets.token_urlsafe(32)
    async with engine.begin() as conn:
        result = await conn.execute(
            update(oauth_clients)
            .where(oauth_clients.c.client_id == client_id)
            .values(secret_hash=hash_secret(secret), secret_rotated_at=datetime.now(UTC))
        )
    return IssuedCredential(client_id, secret) if result.rowcount else None


async def disable_client(engine: AsyncEngine, client_id: str) -> bool:
    """Stop a client from getting new tokens; True if it existed."""
    async with engine.begin() as conn:
        result = await conn.execute(
            update(oauth_clients)
            .where(oauth_clients.c.client_id == client_id)
            .values(disabled=True)
        )
    return bool(result.rowcount)


async def ensure_demo_client(engine: AsyncEngine, *, scopes: list[str]) -> IssuedCredential:
    """The embedded profile's demo client with every known scope and a fresh secret."""
    if await get_client(engine, DEMO_CLIENT_ID) is None:
        return await create_client(
            engine, name="Demo (embedded profile)", scopes=scopes, client_id=DEMO_CLIENT_ID
        )
    async with engine.begin() as conn:
        await conn.execute(
            update(oauth_clients)
            .where(oauth_clients.c.client_id == DEMO_CLIENT_ID)
            .values(scopes=sorted(set(scopes)), disabled=False)
        )
    issued = await rotate_secret(engine, DEMO_CLIENT_ID)
    assert issued is not None
    return issued
