"""An in-process Stripe sandbox per test, on a copy of a demo-firm store seeded once."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from sandboxes.stripe import DEMO_SECRET_KEY, create_app

AUTH = {"Authorization": f"Bearer {DEMO_SECRET_KEY}"}


@pytest.fixture(scope="session")
def stripe_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("stripe-template") / "stripe.db"
    create_app(path, seed=True).state.store.close()
    return path


@pytest.fixture
def stripe_app(tmp_path: Path, stripe_template: Path) -> FastAPI:
    path = tmp_path / "stripe.db"
    shutil.copyfile(stripe_template, path)
    return create_app(path, seed=False)


@pytest.fixture
async def stripe(stripe_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """An authenticated client of the sandbox (in-process ASGI)."""
    transport = httpx.ASGITransport(app=stripe_app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://stripe.test", headers=AUTH
    ) as client:
        yield client
    stripe_app.state.store.close()
