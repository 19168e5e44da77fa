"""Build one ASGI app per API version and mount it at its versioned prefix."""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from fastapi import APIRouter, Depends, FastAPI
from starlette.types import ASGIApp

from contracts.policies import ScopePolicy
from contracts.registry import ApiManifest, ApiVersion, Lifecycle
from gateway.edge.openapi_security import install_security_openapi
from gateway.edge.operation_scopes import OperationScopes
from gateway.edge.stack import protect
from gateway.openapi_problems import install_problem_openapi
from gateway.problems import install_problem_handlers
from gateway.registry.discovery import DiscoveredApi, ManifestError
from gateway.registry.lifecycle import DeprecatedVersion, RetiredVersion, lifecycle_headers
from gateway.registry.proxy import RemoteProxy


@dataclass(frozen=True, slots=True)
class MountedVersion:
    """A version as served: where, and by what."""

    manifest: ApiManifest
    version: ApiVersion
    app: ASGIApp

    @property
    def base_path(self) -> str:
        return self.manifest.base_path(self.version)

    @property
    def key(self) -> str:
        """'kind/name/vN': where the version's service lives in the lifespan state."""
        return self.base_path.strip("/")


def load_router(import_path: str) -> APIRouter:
    """The APIRouter named by 'package.module:attribute'."""
    module_name, _, attribute = import_path.partition(":")
    router = getattr(importlib.import_module(module_name), attribute, None)
    if not isinstance(router, APIRouter):
        raise ManifestError(f"{import_path} is not an APIRouter")
    return router


def build_version_app(
    manifest: ApiManifest, version: ApiVersion, router: APIRouter, *, scopes: ScopePolicy
) -> FastAPI:
    """A FastAPI app for one version: its own OpenAPI document, problem errors, scopes."""
    app = FastAPI(
        title=f"{manifest.title} {version.label}",
        version=version.label,
        description=manifest.description,
        docs_url="/docs",
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    required = OperationScopes(manifest.base_path(version).strip("/"), scopes)
    app.include_router(router, dependencies=[Depends(required)])
    required.bind(app)
    install_problem_handlers(app)
    install_problem_openapi(app)
    install_security_openapi(app, required.by_operation_id, scopes.scopes)
    return app


def serve_version(manifest: ApiManifest, version: ApiVersion, scopes: ScopePolicy) -> ASGIApp:
    """The ASGI app answering for a version, wrapped by its lifecycle state."""
    if version.lifecycle is Lifecycle.RETIRED:
        return RetiredVersion(manifest, version)
    app: ASGIApp
    if version.remote is not None:
        app = RemoteProxy(version.remote)
    else:
        assert version.app is not None
        app = build_version_app(manifest, version, load_router(version.app), scopes=scopes)
    app = protect(app, manifest, version, scopes=scopes)
    if version.lifecycle is Lifecycle.DEPRECATED:
        return DeprecatedVersion(app, lifecycle_headers(manifest, version))
    return app


def mount_apis(
    app: FastAPI, apis: list[DiscoveredApi], scopes: ScopePolicy
) -> list[MountedVersion]:
    """Mount every version of every discovered API on `app`, guarded by the scope policy."""
    mounted = []
    for api in apis:
        for version in api.manifest.versions:
            served = MountedVersion(
                api.manifest, version, serve_version(api.manifest, version, scopes)
            )
            app.mount(served.base_path, served.app, name=f"{api.manifest.name}-{version.label}")
            mounted.append(served)
    return mounted
