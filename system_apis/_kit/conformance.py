"""The standard checks every system API must pass; tests run them over each API found.

Plain functions returning what is wrong (an empty list when nothing is), so a third
party can run them against its own system API package without our test suite.
"""

from __future__ import annotations

import importlib
import inspect
from pathlib import Path
from types import ModuleType

import httpx
from fastapi import APIRouter
from fastapi.routing import APIRoute
from pydantic_settings import BaseSettings

from contracts.registry import ApiManifest, RuntimeContext
from system_apis._kit.connector import VendorConnector
from system_apis._kit.policy_files import load_mapping, load_ownership
from system_apis._kit.router import SystemRoute
from system_apis._kit.runtime import settings_from


def api_module(role: str, name: str) -> ModuleType:
    return importlib.import_module(f"system_apis.{role}.{name}")


def check_manifest(role: str) -> list[str]:
    """The manifest names its folder, and every version has a router and a runtime."""
    manifest = getattr(api_module(role, "manifest"), "manifest", None)
    if not isinstance(manifest, ApiManifest):
        return ["manifest.py does not define `manifest: ApiManifest`"]
    wrong = [] if manifest.name == role and manifest.kind == "system" else ["name/kind mismatch"]
    for version in manifest.versions:
        if version.app is None or version.runtime is None:
            wrong.append(f"{version.label}: in-process versions need `app` and `runtime`")
    return wrong


def check_routes(role: str, version: int = 1) -> list[str]:
    """Every route is a SystemRoute with a stable operation id and a response model."""
    router = getattr(api_module(role, f"v{version}.router"), "router", None)
    if not isinstance(router, APIRouter):
        return ["v1/router.py has no `router`"]
    wrong = []
    for route in router.routes:
        if not isinstance(route, APIRoute):
            continue
        label = f"{sorted(route.methods or ())} {route.path}"
        if not isinstance(route, SystemRoute):
            wrong.append(f"{label}: not built with system_router()")
        if not route.operation_id:
            wrong.append(f"{label}: no operation_id")
        if route.response_model is None and route.status_code != 204:
            wrong.append(f"{label}: no response_model")
    return wrong


def settings_class(role: str) -> type[BaseSettings]:
    classes = [
        obj
        for obj in vars(api_module(role, "settings")).values()
        if inspect.isclass(obj) and issubclass(obj, BaseSettings) and obj is not BaseSettings
    ]
    if len(classes) != 1:
        raise LookupError(f"settings.py must define exactly one BaseSettings, not {len(classes)}")
    return classes[0]


def check_settings(role: str, policy_dir: Path) -> list[str]:
    """Settings load with defaults and from a runtime context, under ATRIUM_<ROLE>_."""
    cls = settings_class(role)
    prefix = f"ATRIUM_{role.upper()}_"
    if cls.model_config.get("env_prefix") != prefix:
        return [f"{cls.__name__} must use env_prefix {prefix!r}"]
    ctx = RuntimeContext(
        environ={f"{prefix}BASE_URL": "http://vendor.test:1"},
        redis_url=None,
        policy_dir=policy_dir,
        data_dir=Path("."),
    )
    loaded = settings_from(cls, ctx)
    if getattr(loaded, "base_url", None) != "http://vendor.test:1":
        return [f"{cls.__name__}.base_url is not read from {prefix}BASE_URL"]
    return []


def check_mapping_policy(role: str, policy_dir: Path) -> list[str]:
    """The mapping policy exists, and every object this system owns has a canonical mapper."""
    load_mapping(policy_dir, role)
    mapping = api_module(role, "mapping")
    ownership = load_ownership(policy_dir)
    return [
        f"mapping.py has no to_canonical_{name} for owned object {name!r}"
        for name, obj in ownership.objects.items()
        if obj.owner == role and not hasattr(mapping, f"to_canonical_{name}")
    ]


def connector_class(role: str) -> type[VendorConnector]:
    classes = [
        obj
        for obj in vars(api_module(role, "connector.api")).values()
        if inspect.isclass(obj) and issubclass(obj, VendorConnector) and obj is not VendorConnector
    ]
    if len(classes) != 1:
        raise LookupError(f"connector/api.py must define one VendorConnector, not {len(classes)}")
    return classes[0]


def check_error_classification(role: str) -> list[str]:
    """429 and 5xx from the vendor are retriable; 4xx validation and 404 are not."""
    connector = connector_class(role).__new__(connector_class(role))
    connector.vendor = role
    request = httpx.Request("GET", "http://vendor.test/x")
    expected = {429: True, 500: True, 502: True, 503: True, 504: True, 400: False, 404: False}
    wrong = []
    for status, retriable in expected.items():
        error = connector.classify(httpx.Response(status, request=request, json={}))
        if error.retriable is not retriable:
            wrong.append(f"HTTP {status} classified as {type(error).__name__}")
    return wrong
