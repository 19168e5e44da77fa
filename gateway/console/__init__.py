"""The operations console: one static page at `/console` over the GraphQL API.

The page holds no data and needs no token to load; everything it shows comes from
`/graphql` with the token the user signs in for (client credentials, kept in memory only).
There is no second backend and no build step: an HTML page, a stylesheet and an ES module
from `static/`, served with a Content-Security-Policy that allows nothing but this origin.
The page asks for `documents.json` (operation name -> SHA-256) and sends only those hashes:
its operations are trusted documents (`gateway/console/documents.py`).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from starlette.responses import JSONResponse, Response

from gateway.console.documents import HASHES

_STATIC = Path(__file__).parent / "static"

# Scripts, styles, fetches and the subscription socket come from this origin only; no
# inline script or style, no frames, no plugins, no form posting elsewhere.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ]
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}

router = APIRouter(include_in_schema=False)


def _asset(name: str, media_type: str) -> Response:
    return Response((_STATIC / name).read_bytes(), media_type=media_type, headers=SECURITY_HEADERS)


@router.api_route("/console", methods=["GET", "HEAD"])
async def console_page() -> Response:
    """The console's page; it signs in and loads everything else itself."""
    return _asset("index.html", "text/html; charset=utf-8")


@router.api_route("/console/console.js", methods=["GET", "HEAD"])
async def console_script() -> Response:
    return _asset("console.js", "text/javascript; charset=utf-8")


@router.api_route("/console/console.css", methods=["GET", "HEAD"])
async def console_styles() -> Response:
    return _asset("console.css", "text/css; charset=utf-8")


@router.api_route("/console/documents.json", methods=["GET", "HEAD"])
async def console_documents() -> Response:
    """The console's operations by name: the SHA-256 to send for each."""
    return JSONResponse(HASHES, headers=SECURITY_HEADERS)
