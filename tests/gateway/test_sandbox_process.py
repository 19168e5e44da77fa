"""The sandboxes `atrium serve` runs as a child: started, awaited (bounded), stopped."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from gateway import cli_sandboxes
from gateway.cli_sandboxes import sandboxes_for
from gateway.sandbox_process import SandboxStartError, running_sandboxes, sandbox_command
from gateway.settings import GatewaySettings, Profile

READY_THEN_WAIT = (
    "import json, pathlib, sys, time\n"
    "pathlib.Path(sys.argv[1]).write_text(json.dumps({'xero': 'http://127.0.0.1:1'}))\n"
    "time.sleep(60)\n"
)


def python(code: str, *args: str) -> list[str]:
    return [sys.executable, "-c", code, *args]


def test_yields_the_urls_and_stops_the_child_afterwards(tmp_path: Path) -> None:
    ready = tmp_path / "ready.json"
    with running_sandboxes(python(READY_THEN_WAIT, str(ready)), ready, 30) as urls:
        assert urls == {"xero": "http://127.0.0.1:1"}
    assert not ready.exists()


def test_child_that_exits_early_is_reported(tmp_path: Path) -> None:
    ready = tmp_path / "ready.json"
    with (
        pytest.raises(SandboxStartError, match="exited with status 3"),
        running_sandboxes(python("raise SystemExit(3)"), ready, 30),
    ):
        pass


def test_child_that_never_gets_ready_times_out(tmp_path: Path) -> None:
    ready = tmp_path / "ready.json"
    with (
        pytest.raises(SandboxStartError, match=r"not ready within 0\.3 s"),
        running_sandboxes(python("import time; time.sleep(60)"), ready, 0.3),
    ):
        pass


def test_command_serves_all_vendors_under_the_data_dir(tmp_path: Path) -> None:
    settings = GatewaySettings(data_dir=tmp_path, sandbox_port_base=9100)
    command = sandbox_command(settings, tmp_path / "r.json")
    assert command[1:4] == ["-m", "sandboxes", "all"]
    assert command[command.index("--port-base") + 1] == "9100"
    assert command[command.index("--data-dir") + 1] == str(tmp_path / "sandboxes")
    assert "--exit-with-parent" in command


def test_sandboxes_start_by_default_only_in_the_embedded_profile(tmp_path: Path) -> None:
    assert GatewaySettings(data_dir=tmp_path).sandboxes_enabled()
    production = GatewaySettings(data_dir=tmp_path, profile=Profile.PRODUCTION)
    assert not production.sandboxes_enabled()
    forced = GatewaySettings(data_dir=tmp_path, profile=Profile.PRODUCTION, start_sandboxes=True)
    assert forced.sandboxes_enabled()


def test_disabled_sandboxes_start_nothing(tmp_path: Path) -> None:
    settings = GatewaySettings(data_dir=tmp_path, start_sandboxes=False)
    with sandboxes_for(settings) as urls:
        assert urls == {}
    assert not (tmp_path / "sandboxes").exists()


def test_sandboxes_that_fail_to_start_do_not_stop_the_gateway(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(
        cli_sandboxes, "sandbox_command", lambda settings, ready: python("raise SystemExit(1)")
    )
    with sandboxes_for(GatewaySettings(data_dir=tmp_path, start_sandboxes=True)) as urls:
        assert urls == {}
    assert "serving the gateway without them" in capsys.readouterr().err
