"""Settings for a system API come from the environment the gateway hands its runtime."""

from __future__ import annotations

from pathlib import Path

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from contracts.registry import RuntimeContext
from system_apis._kit.runtime import settings_from


class DemoSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ATRIUM_DEMO_")

    base_url: str = "http://default"
    api_key: SecretStr = SecretStr("default-key")
    rate_limits: list[str] = ["1/second"]
    timeout_s: float = 1.0


def context(**environ: str) -> RuntimeContext:
    return RuntimeContext(environ=environ, redis_url=None, policy_dir=Path(), data_dir=Path())


def test_reads_prefixed_variables_and_parses_json_lists() -> None:
    settings = settings_from(
        DemoSettings,
        context(
            ATRIUM_DEMO_BASE_URL="http://vendor",
            ATRIUM_DEMO_RATE_LIMITS='["60/minute", "5000/day"]',
            ATRIUM_DEMO_TIMEOUT_S="2.5",
            ATRIUM_OTHER_BASE_URL="http://not-mine",
        ),
    )
    assert settings.base_url == "http://vendor"
    assert settings.rate_limits == ["60/minute", "5000/day"]
    assert settings.timeout_s == 2.5


def test_defaults_when_the_environment_is_silent() -> None:
    settings = settings_from(DemoSettings, context())
    assert settings.base_url == "http://default"
    assert settings.api_key.get_secret_value() == "default-key"
