"""Find every `system_apis/<name>/manifest.py` and `process_apis/<name>/manifest.py`.

Both roots are extendable packages: any `system_apis/` or `process_apis/` folder
on `sys.path` (another distribution, a plugin directory, a test's tmp path)
contributes APIs without editing a list.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from pathlib import Path

from contracts.registry import ApiManifest

ROOT_PACKAGES: dict[str, str] = {"system": "system_apis", "process": "process_apis"}


class ManifestError(Exception):
    """A package under an API root has a missing or inconsistent manifest."""


@dataclass(frozen=True, slots=True)
class DiscoveredApi:
    """A manifest and the package it was found in."""

    manifest: ApiManifest
    package: str


def discover_apis() -> list[DiscoveredApi]:
    """Every API package on the current `sys.path`, sorted by kind and name."""
    found: list[DiscoveredApi] = []
    for kind, root in ROOT_PACKAGES.items():
        found.extend(_discover_root(kind, root))
    return found


def _discover_root(kind: str, root: str) -> list[DiscoveredApi]:
    package = importlib.import_module(root)
    # Recompute from the package's own folder and today's sys.path, so folders added
    # (or removed) since import count, and stale ones do not.
    home = str(Path(str(package.__file__)).parent)
    package.__path__ = pkgutil.extend_path([home], root)
    importlib.invalidate_caches()
    apis = []
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        if info.ispkg and not info.name.startswith("_"):
            apis.append(_load(kind, f"{root}.{info.name}"))
    return apis


def _load(kind: str, package: str) -> DiscoveredApi:
    try:
        module = importlib.import_module(f"{package}.manifest")
    except ModuleNotFoundError as exc:
        if exc.name != f"{package}.manifest":
            raise
        raise ManifestError(f"{package} has no manifest.py") from exc
    manifest = getattr(module, "manifest", None)
    if not isinstance(manifest, ApiManifest):
        raise ManifestError(f"{package}.manifest must define `manifest: ApiManifest`")
    if manifest.kind != kind:
        raise ManifestError(f"{package} lives under a {kind} root but declares {manifest.kind!r}")
    if manifest.name.replace("-", "_") != package.rsplit(".", 1)[1]:
        raise ManifestError(f"{package} declares name {manifest.name!r}; names follow folders")
    return DiscoveredApi(manifest, package)
