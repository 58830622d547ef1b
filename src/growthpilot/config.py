"""Settings: one object, read from ``growthpilot.toml`` and overridden by the environment.

Precedence (highest first): keyword arguments, ``GROWTHPILOT_*`` environment
variables, the workspace's ``growthpilot.toml``, defaults.

>>> s = Settings(workspace="/tmp/ws")          # doctest: +SKIP
>>> s.warehouse_url                             # doctest: +SKIP
'duckdb:////tmp/ws/warehouse.duckdb'
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

CONFIG_FILE = "growthpilot.toml"
WAREHOUSE_FILE = "warehouse.duckdb"
ARTIFACTS_DIR = "artifacts"
REPORTS_DIR = "reports"


def _workspace_from_env() -> Path:
    return Path(os.environ.get("GROWTHPILOT_WORKSPACE", ".")).expanduser()


class Settings(BaseSettings):
    """Everything configurable in growthpilot."""

    model_config = SettingsConfigDict(env_prefix="GROWTHPILOT_", extra="ignore", validate_default=True)

    workspace: Path = Field(default_factory=_workspace_from_env, description="Workspace directory.")
    warehouse_url: str = Field(
        default="",
        description="duckdb:///path, postgresql://user@host:port/db or pyspark://local; "
        "empty means the workspace's DuckDB file.",
    )
    artifacts_dir: Path | None = Field(default=None, description="Model artifacts; default WORKSPACE/artifacts.")
    reports_dir: Path | None = Field(default=None, description="HTML reports; default WORKSPACE/reports.")
    data_dir: Path = Field(
        default=Path(__file__).resolve().parents[3] / "shared" / "data",
        description="Shared public datasets used by integration tests and benchmarks.",
    )
    llm_backend: str = Field(default="embedded", description="'embedded' (GGUF via llama.cpp) or 'openai' (HTTP).")
    llm_model_path: str = Field(default="", description="GGUF path for the embedded backend; empty = packaged model.")
    llm_base_url: str = Field(default="", description="Base URL of an OpenAI-compatible server.")
    llm_api_key: SecretStr = Field(default=SecretStr(""), description="Key for the OpenAI-compatible server.")
    llm_model: str = Field(default="", description="Model name sent to the OpenAI-compatible server.")
    pseudonym_key: SecretStr = Field(default=SecretStr(""), description="HMAC key for pseudonymising personal data.")
    vault_key: SecretStr = Field(default=SecretStr(""), description="Fernet key for the personal-data vault.")
    seed: int = Field(default=42, description="Default random seed.")

    @model_validator(mode="after")
    def _fill_paths(self) -> Settings:
        self.workspace = Path(self.workspace).expanduser().resolve()
        if not self.warehouse_url:
            self.warehouse_url = f"duckdb:///{self.workspace / WAREHOUSE_FILE}"
        if self.artifacts_dir is None:
            self.artifacts_dir = self.workspace / ARTIFACTS_DIR
        if self.reports_dir is None:
            self.reports_dir = self.workspace / REPORTS_DIR
        return self

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        toml_path = _toml_path(init_settings)
        if toml_path is not None and toml_path.exists():
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=toml_path))
        return tuple(sources)

    @classmethod
    def load(cls, workspace: str | Path | None = None, **overrides: Any) -> Settings:
        """Settings for ``workspace`` (default: ``$GROWTHPILOT_WORKSPACE`` or the current directory)."""
        if workspace is not None:
            overrides["workspace"] = Path(workspace)
        return cls(**overrides)


def _toml_path(init_settings: PydanticBaseSettingsSource) -> Path | None:
    ws = init_settings().get("workspace") or os.environ.get("GROWTHPILOT_WORKSPACE") or "."
    return Path(ws).expanduser() / CONFIG_FILE


def shared_data_dir() -> Path:
    """Where the shared public datasets live (``$GROWTHPILOT_DATA_DIR`` or ``../shared/data``)."""
    env = os.environ.get("GROWTHPILOT_DATA_DIR")
    if env:
        return Path(env).expanduser().resolve()
    return Settings.model_fields["data_dir"].default
