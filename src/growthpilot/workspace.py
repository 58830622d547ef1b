"""A workspace: a folder with ``growthpilot.toml``, a DuckDB warehouse and model artifacts.

>>> ws = Workspace.init("/tmp/gp-doc")          # doctest: +SKIP
>>> with ws.run("ingest", {"path": "x.csv"}) as run:   # doctest: +SKIP
...     run.metrics["rows"] = 10
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from growthpilot.config import CONFIG_FILE, Settings
from growthpilot.errors import ConfigError, WorkspaceNotFoundError
from growthpilot.warehouse import Warehouse

_TEMPLATE = """\
# growthpilot workspace settings. Environment variables GROWTHPILOT_<NAME> override these.
# warehouse_url: empty = the DuckDB file in this folder; or postgresql://user@host:5432/db, pyspark://local[2]
warehouse_url = ""
llm_backend = "embedded"
seed = 42
"""


def new_run_id(stage: str) -> str:
    """A sortable, unique run id such as ``ingest-20261124T051500-1a2b3c``."""
    return f"{stage}-{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"


@dataclass
class Run:
    """A stage run being recorded; fill ``metrics`` and it is written to the ``runs`` table."""

    run_id: str
    stage: str
    params: dict[str, Any]
    started_at: datetime
    model_version: str = ""
    metrics: dict[str, Any] = field(default_factory=dict)


class Workspace:
    """Opened workspace: settings, warehouse and artifact folders."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.root = settings.workspace

    @classmethod
    def init(cls, directory: str | Path, *, exist_ok: bool = True) -> Workspace:
        """Create a workspace in ``directory`` (idempotent) and return it opened."""
        root = Path(directory).expanduser().resolve()
        if root.exists() and not root.is_dir():
            raise ConfigError(f"cannot create a workspace at {root}: it is a file; give a new or existing folder")
        root.mkdir(parents=True, exist_ok=True)
        cfg = root / CONFIG_FILE
        if cfg.exists() and not exist_ok:
            raise FileExistsError(f"{cfg} already exists")
        if not cfg.exists():
            cfg.write_text(_TEMPLATE)
        ws = cls.open(root)
        for d in (ws.artifacts_dir, ws.reports_dir):
            d.mkdir(parents=True, exist_ok=True)
        ws.warehouse.tables()  # creates the DuckDB file
        return ws

    @classmethod
    def open(cls, directory: str | Path | None = None, **overrides: Any) -> Workspace:
        """Open an existing workspace; raises :class:`WorkspaceNotFoundError` naming the fix."""
        settings = Settings.load(directory, **overrides)
        if not (settings.workspace / CONFIG_FILE).exists():
            raise WorkspaceNotFoundError(
                f"{settings.workspace} is not a growthpilot workspace (no {CONFIG_FILE}); "
                f"create one with: growthpilot init {settings.workspace}"
            )
        return cls(settings)

    @property
    def artifacts_dir(self) -> Path:
        assert self.settings.artifacts_dir is not None
        return self.settings.artifacts_dir

    @property
    def reports_dir(self) -> Path:
        assert self.settings.reports_dir is not None
        return self.settings.reports_dir

    @cached_property
    def warehouse(self) -> Warehouse:
        return Warehouse.from_url(self.settings.warehouse_url)

    def close(self) -> None:
        if "warehouse" in self.__dict__:
            self.warehouse.close()
            del self.__dict__["warehouse"]

    @contextmanager
    def run(self, stage: str, params: dict[str, Any] | None = None, model_version: str = "") -> Iterator[Run]:
        """Record a stage run in the ``runs`` table, with its status, params and metrics."""
        run = Run(new_run_id(stage), stage, dict(params or {}), datetime.now(UTC), model_version)
        status = "failed"
        try:
            yield run
            status = "ok"
        finally:
            row = {
                "run_id": run.run_id, "stage": stage,
                "started_at": run.started_at.replace(tzinfo=None),
                "finished_at": datetime.now(UTC).replace(tzinfo=None),
                "status": status, "params": json.dumps(run.params, default=str),
                "metrics": json.dumps(run.metrics, default=str), "model_version": run.model_version,
            }
            self.warehouse.write("runs", pd.DataFrame([row]), mode="append" if self.warehouse.has_table("runs") else "replace")
