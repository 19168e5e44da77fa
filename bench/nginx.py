"""nginx configurations for the fixed-response upstream and the reverse proxy."""

from __future__ import annotations

from pathlib import Path

UPSTREAM_BODY = '{"ok":true}'
# nginx closes a keep-alive connection after 1000 requests by default; raise it so
# no scenario pays for reconnects the others do not.
_KEEPALIVE_REQUESTS = 1_000_000


def upstream_config(prefix: Path, port: int) -> str:
    server = f"""
    server {{
        listen 127.0.0.1:{port};
        keepalive_requests {_KEEPALIVE_REQUESTS};
        location / {{
            default_type application/json;
            return 200 '{UPSTREAM_BODY}';
        }}
    }}"""
    return _main_config(prefix, server)


def proxy_config(prefix: Path, port: int, upstream_port: int) -> str:
    # HTTP/1.1 with an empty Connection header lets nginx reuse upstream connections.
    server = f"""
    upstream bench_upstream {{
        server 127.0.0.1:{upstream_port};
        keepalive 64;
        keepalive_requests {_KEEPALIVE_REQUESTS};
    }}
    server {{
        listen 127.0.0.1:{port};
        keepalive_requests {_KEEPALIVE_REQUESTS};
        location / {{
            proxy_pass http://bench_upstream;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
        }}
    }}"""
    return _main_config(prefix, server)


def _main_config(prefix: Path, http_body: str) -> str:
    # Every path lives under the instance's own prefix so nothing touches /var.
    temp_paths = "\n".join(
        f"    {kind}_temp_path {prefix / 'temp' / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""daemon off;
worker_processes 1;
pid {prefix / "nginx.pid"};
error_log {prefix / "logs" / "error.log"} warn;
events {{
    worker_connections 1024;
}}
http {{
    access_log off;
{temp_paths}
{http_body}
}}
"""


def nginx_command(prefix: Path, config: str) -> list[str]:
    """Write `config` under `prefix` and return the command that runs it in the foreground."""
    for folder in ("logs", "temp"):
        (prefix / folder).mkdir(parents=True, exist_ok=True)
    config_path = prefix / "nginx.conf"
    config_path.write_text(config)
    # -e: the startup error log, before the config is read (else /var/log/nginx).
    return [
        "nginx",
        "-p",
        f"{prefix}/",
        "-c",
        str(config_path),
        "-e",
        str(prefix / "logs" / "error.log"),
    ]
