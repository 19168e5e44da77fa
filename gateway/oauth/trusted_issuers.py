"""Keys of external identity providers: JWKS found through RFC 8414 / OIDC metadata.

Each trusted issuer's JWKS is fetched on first use, cached, refetched when it is
older than `jwks_max_age_s`, and refetched on an unknown `kid` — but never more
than once per `jwks_min_refresh_s`, however many tokens name unknown keys: a flood
of made-up kids costs the IdP one request per interval. A fetch is bounded by a
short timeout; when it fails, the keys already known stay in use and unknown ones
stay unknown (the caller answers 401). Only public RSA (RS256, PS256; ≥ 2048 bits)
and P-256 (ES256) keys meant for signatures are kept, each pinned to one algorithm.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import logging
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, RSAKey

from gateway.oauth.rfc9068_tokens import TrustedKey
from gateway.settings import GatewaySettings, TrustedIssuer, require_tls

_log = logging.getLogger("atrium.oauth.trust")
MAX_DOCUMENT_BYTES = 256 * 1024
MIN_RSA_BITS = 2048
_ALGS = {"RSA": ("RS256", "PS256"), "EC": ("ES256",)}
_PUBLIC_MEMBERS = {"RSA": ("kty", "n", "e"), "EC": ("kty", "crv", "x", "y")}


class DiscoveryError(Exception):
    """The issuer's metadata or JWKS could not be fetched or is unusable."""


def metadata_urls(issuer: str) -> list[str]:
    """Where an issuer's metadata may live: RFC 8414 §3.1 first, then OpenID Connect."""
    parts = urlsplit(issuer)
    path = parts.path.rstrip("/")
    rfc8414 = urlunsplit(
        (parts.scheme, parts.netloc, "/.well-known/oauth-authorization-server" + path, "", "")
    )
    oidc = issuer.rstrip("/") + "/.well-known/openid-configuration"
    return [rfc8414, oidc]


def _modulus_bits(n: Any) -> int:
    """Size of an RSA modulus given base64url-encoded (0 when it is not)."""
    if not isinstance(n, str):
        return 0
    try:
        return int.from_bytes(base64.urlsafe_b64decode(n + "=" * (-len(n) % 4))).bit_length()
    except (ValueError, binascii.Error):
        return 0


def _import(jwk: dict[str, Any]) -> RSAKey | ECKey | None:
    kty = jwk.get("kty")
    if kty not in _PUBLIC_MEMBERS:
        return None
    if kty == "RSA" and _modulus_bits(jwk.get("n")) < MIN_RSA_BITS:
        return None  # checked first: joserfc would only warn
    public = {name: jwk[name] for name in _PUBLIC_MEMBERS[kty] if name in jwk}
    try:
        key = RSAKey.import_key(public) if kty == "RSA" else ECKey.import_key(public)
    except (ValueError, KeyError, TypeError, JoseError):
        return None
    if isinstance(key, ECKey) and key.curve_name != "P-256":
        return None
    return key


def trusted_key(jwk: Any, audience: str) -> TrustedKey | None:
    """A verification key from one JWK, or None when it is not one we accept."""
    if not isinstance(jwk, dict):
        return None
    kid, kty = jwk.get("kid"), jwk.get("kty")
    alg = jwk.get("alg", _ALGS.get(str(kty), ("",))[0])
    ops = jwk.get("key_ops", ["verify"])
    usable = jwk.get("use", "sig") == "sig" and isinstance(ops, list) and "verify" in ops
    if not (isinstance(kid, str) and 0 < len(kid) <= 128) or not usable:
        return None
    if alg not in _ALGS.get(str(kty), ()):
        return None
    key = _import(jwk)
    return TrustedKey(kid, alg, key, audience, external=True) if key is not None else None


def parse_jwks(document: Any, audience: str) -> dict[str, TrustedKey]:
    """The acceptable keys of a JWKS by kid; a kid listed twice is ambiguous and dropped."""
    jwks = document.get("keys") if isinstance(document, dict) else None
    if not isinstance(jwks, list):
        raise DiscoveryError("the JWKS has no 'keys' array")
    keys: dict[str, TrustedKey] = {}
    ambiguous: set[str] = set()
    for jwk in jwks:
        key = trusted_key(jwk, audience)
        if key is None:
            continue
        if key.kid in keys:
            ambiguous.add(key.kid)
        keys[key.kid] = key
    return {kid: key for kid, key in keys.items() if kid not in ambiguous}


class IssuerKeys:
    """One external issuer's signing keys, fetched and refreshed sparingly."""

    def __init__(
        self,
        trusted: TrustedIssuer,
        http: httpx.AsyncClient,
        settings: GatewaySettings,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.clock = clock
        self.issuer = trusted.issuer
        self.audience = trusted.audience or settings.audience
        self.http = http
        self.min_refresh_s = settings.jwks_min_refresh_s
        self.max_age_s = settings.jwks_max_age_s
        self.timeout_s = settings.jwks_fetch_timeout_s
        self._jwks_uri = trusted.jwks_uri
        self._keys: dict[str, TrustedKey] = {}
        self._fetched_at = float("-inf")
        self._attempted_at = float("-inf")
        self._lock = asyncio.Lock()

    async def lookup(self, kid: str) -> TrustedKey | None:
        """The key with this kid; unknown kids and stale sets trigger a (throttled) refetch."""
        stale = self.clock() - self._fetched_at > self.max_age_s
        if (stale or kid not in self._keys) and self._may_refresh():
            await self._refresh()
        return self._keys.get(kid)

    def _may_refresh(self) -> bool:
        return self.clock() - self._attempted_at >= self.min_refresh_s

    async def _refresh(self) -> None:
        async with self._lock:
            if not self._may_refresh():  # another request refreshed while this one waited
                return
            self._attempted_at = self.clock()
            try:
                async with asyncio.timeout(self.timeout_s):
                    keys = await self._fetch()
            except (DiscoveryError, httpx.HTTPError, OSError, TimeoutError) as exc:
                _log.warning(
                    "could not fetch the keys of a trusted issuer",
                    extra={"issuer": self.issuer, "error": str(exc) or type(exc).__name__},
                )
                return
            self._keys = keys
            self._fetched_at = self.clock()

    async def _fetch(self) -> dict[str, TrustedKey]:
        if self._jwks_uri is None:
            self._jwks_uri = await self._discover()
        return parse_jwks(await self._get_json(self._jwks_uri), self.audience)

    async def _discover(self) -> str:
        """The `jwks_uri` from the issuer's own metadata (whose `issuer` must be this one)."""
        for url in metadata_urls(self.issuer):
            try:
                metadata = await self._get_json(url)
            except DiscoveryError:
                continue
            if not isinstance(metadata, dict) or metadata.get("issuer") != self.issuer:
                raise DiscoveryError(f"metadata at {url} is for another issuer")
            jwks_uri = metadata.get("jwks_uri")
            if not isinstance(jwks_uri, str):
                raise DiscoveryError(f"metadata at {url} has no jwks_uri")
            try:
                return require_tls(jwks_uri)
            except ValueError as exc:
                raise DiscoveryError(str(exc)) from None
        raise DiscoveryError("the issuer publishes no authorization server metadata")

    async def _get_json(self, url: str) -> Any:
        """A small JSON document; anything but 200 or over the size cap is refused."""
        timeout = httpx.Timeout(self.timeout_s)
        headers = {"accept": "application/json"}
        async with self.http.stream("GET", url, timeout=timeout, headers=headers) as response:
            if response.status_code != 200:
                raise DiscoveryError(f"{url} answered {response.status_code}")
            body = bytearray()
            async for chunk in response.aiter_bytes():
                body += chunk
                if len(body) > MAX_DOCUMENT_BYTES:
                    raise DiscoveryError(f"{url} sent more than {MAX_DOCUMENT_BYTES} bytes")
        try:
            return json.loads(body)
        except ValueError as exc:
            raise DiscoveryError(f"{url} did not send JSON") from exc


class TrustedIssuers:
    """Every configured external issuer, by its exact `iss` value."""

    def __init__(self, settings: GatewaySettings, http: httpx.AsyncClient) -> None:
        self._issuers = {t.issuer: IssuerKeys(t, http, settings) for t in settings.trusted_issuers}

    async def lookup(self, issuer: str, kid: str) -> TrustedKey | None:
        """A key of a trusted issuer; None for an issuer we do not trust or an unknown kid."""
        keys = self._issuers.get(issuer)
        return await keys.lookup(kid) if keys is not None else None
