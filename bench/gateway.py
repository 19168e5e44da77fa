"""Run Atrium with one remote system API, `bench-upstream`, pointing at the upstream."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from bench.errors import BenchError

API_NAME = "bench-upstream"
PROXIED_PATH = f"/system/{API_NAME}/v1/anything"
LOG_LEVEL = "WARNING"

_MANIFEST = """\
from contracts.registry import ApiManifest, ApiVersion, RemoteTarget

manifest = ApiManifest(
    name="{name}",
    kind="system",
    title="Bench upstream",
    owner="bench",
    versions=(ApiVersion(number=1, remote=RemoteTarget(base_url="http://127.0.0.1:{port}")),),
)
"""


def write_plugin(root: Path, upstream_port: int) -> Path:
    """Create the plugin folder; return the directory to put on PYTHONPATH."""
    plugins = root / "plugins"
    # Discovery requires the package folder to be the API name with "-" as "_".
    package = plugins / "system_apis" / API_NAME.replace("-", "_")
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "manifest.py").write_text(_MANIFEST.format(name=API_NAME, port=upstream_port))
    return plugins


def gateway_command(port: int) -> list[str]:
    """`atrium serve` from the venv running this harness."""
    atrium = Path(sys.executable).parent / "atrium"
    if not atrium.exists():
        raise BenchError(f"{atrium} not found: run `make install` first")
    return [str(atrium), "serve", "--host", "127.0.0.1", "--port", str(port)]


def gateway_env(plugins: Path | None, settings: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of `atrium serve`; `plugins` (if any) goes first on PYTHONPATH."""
    # Inherited ATRIUM_* settings (a production profile, say) would change what is
    # measured, so only the ones set here apply.
    env = {k: v for k, v in os.environ.items() if not k.startswith("ATRIUM_")}
    # WARNING hides the per-request INFO access line: we measure the proxy path.
    env["ATRIUM_LOG_LEVEL"] = LOG_LEVEL
    # The embedded profile would start every vendor sandbox as a child on fixed ports,
    # competing for the server core and counted in the gateway's CPU: S/H start their own.
    env["ATRIUM_START_SANDBOXES"] = "false"
    # The plugin folder's namespace `system_apis/` hides the repository's APIs (hcm, ...):
    # H, which serves the real HCM API, runs without it.
    if plugins is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(plugins), env.get("PYTHONPATH")]))
    env.update(settings or {})
    return env
