"""APIs are discovered from folders, mounted per version, listed in the catalog."""

from __future__ import annotations

from email.utils import parsedate_to_datetime

import pytest

from gateway.registry.discovery import ManifestError, discover_apis
from gateway.settings import GatewaySettings
from tests.fixtures.apps import ApiFolder, MakeApp, authorize, serving

ROUTER = """
from fastapi import APIRouter
router = APIRouter()

@router.get("/hello", operation_id="sayHello")
async def hello() -> dict[str, str]:
    return {{"hello": "{name}"}}
"""

SINGLE = """
from contracts.registry import ApiManifest, ApiVersion
manifest = ApiManifest(
    name="{name}", kind="{kind}", title="Throwaway", owner="team-a",
    description="added by a test",
    versions=(ApiVersion(number=1, app="{module}.v1.router:router", scopes=("x:read",)),),
)
"""

LIFECYCLE = """
from datetime import datetime, UTC
from contracts.registry import ApiManifest, ApiVersion, Lifecycle
manifest = ApiManifest(
    name="{name}", kind="{kind}", title="Versioned", owner="team-b",
    versions=(
        ApiVersion(number=1, lifecycle=Lifecycle.RETIRED, app="{module}.v1.router:router",
                   deprecated_at=datetime(2025, 1, 1, tzinfo=UTC),
                   sunset_at=datetime(2026, 1, 1, tzinfo=UTC)),
        ApiVersion(number=2, lifecycle=Lifecycle.DEPRECATED, app="{module}.v1.router:router",
                   deprecated_at=datetime(2026, 6, 1, tzinfo=UTC),
                   sunset_at=datetime(2027, 6, 1, tzinfo=UTC)),
        ApiVersion(number=3, app="{module}.v1.router:router"),
    ),
)
"""


HELLO = {"sayHello": ["x:read"]}


def router_for(name: str) -> str:
    return ROUTER.replace("{name}", name).replace("{{", "{").replace("}}", "}")


async def test_new_folder_appears_in_catalog_and_under_its_prefix(
    api_folder: ApiFolder, make_app: MakeApp, settings: GatewaySettings
) -> None:
    name = api_folder.add("system", SINGLE, router_for("x"), operations=HELLO)
    async with serving(make_app()) as client:
        await authorize(client, settings, ["x:read"])
        catalog = (await client.get("/catalog")).json()
        entry = next(a for a in catalog["apis"] if a["name"] == name)
        assert entry["kind"] == "system"
        assert entry["owner"] == "team-a"
        version = entry["versions"][0]
        assert version["base_path"] == f"/system/{name}/v1"
        assert version["lifecycle"] == "active"
        assert version["scopes"] == ["x:read"]
        assert version["served_by"] == "in-process"
        assert (await client.get(f"/system/{name}/v1/hello")).json() == {"hello": "x"}
        spec = (await client.get(version["spec_url"])).json()
        assert list(spec["paths"]) == ["/hello"]
        assert spec["info"]["version"] == "v1"


async def test_process_api_mounts_under_process_prefix(
    api_folder: ApiFolder, make_app: MakeApp, settings: GatewaySettings
) -> None:
    name = api_folder.add("process", SINGLE, router_for("p"), operations=HELLO)
    async with serving(make_app()) as client:
        await authorize(client, settings, ["x:read"])
        assert (await client.get(f"/process/{name}/v1/hello")).status_code == 200


async def test_removed_folder_disappears(api_folder: ApiFolder, make_app: MakeApp) -> None:
    name = api_folder.add("system", SINGLE, router_for("x"))
    assert name in {a.manifest.name for a in discover_apis()}
    api_folder.root.rename(api_folder.root.with_name("gone"))
    assert name not in {a.manifest.name for a in discover_apis()}
    api_folder.root.mkdir()


async def test_lifecycle_headers_and_retirement(
    api_folder: ApiFolder, make_app: MakeApp, settings: GatewaySettings
) -> None:
    name = api_folder.add("system", LIFECYCLE, router_for("v"), operations=HELLO, versions=(2, 3))
    async with serving(make_app()) as client:
        await authorize(client, settings, ["x:read"])
        deprecated = await client.get(f"/system/{name}/v2/hello")
        assert deprecated.status_code == 200
        assert deprecated.headers["deprecation"] == "@1780272000"
        assert parsedate_to_datetime(deprecated.headers["sunset"]).year == 2027
        assert deprecated.headers["link"] == f'</system/{name}/v3>; rel="successor-version"'
        current = await client.get(f"/system/{name}/v3/hello")
        assert "deprecation" not in current.headers
        retired = await client.get(f"/system/{name}/v1/hello")
        assert retired.status_code == 410
        assert retired.headers["content-type"] == "application/problem+json"
        assert f"/system/{name}/v3" in retired.json()["detail"]
        catalog = (await client.get("/catalog")).json()
        versions = next(a for a in catalog["apis"] if a["name"] == name)["versions"]
        assert [v["lifecycle"] for v in versions] == ["retired", "deprecated", "active"]
        assert versions[0]["spec_url"] is None


def test_folder_without_manifest_is_refused(api_folder: ApiFolder) -> None:
    name = api_folder.add("system", SINGLE, router_for("x"))
    (api_folder.root / "system_apis" / name.replace("-", "_") / "manifest.py").unlink()
    with pytest.raises(ManifestError, match=r"no manifest\.py"):
        discover_apis()


def test_manifest_name_must_follow_folder(api_folder: ApiFolder) -> None:
    api_folder.add("system", SINGLE.replace('name="{name}"', 'name="other"'), router_for("x"))
    with pytest.raises(ManifestError, match="names follow folders"):
        discover_apis()


def test_manifest_kind_must_match_root(api_folder: ApiFolder) -> None:
    api_folder.add("system", SINGLE.replace('kind="{kind}"', 'kind="process"'), router_for("x"))
    with pytest.raises(ManifestError, match="declares 'process'"):
        discover_apis()
