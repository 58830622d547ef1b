"""The loop: run the stages in order on a workspace, each resumable on its own.

A stage is a function ``(workspace) -> dict of metrics`` that reads canonical tables and writes
its own; each run is recorded in the ``runs`` table. Stages whose optional extra is not
installed are reported as skipped with the extra to install.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable
from dataclasses import dataclass

from growthpilot.errors import MissingDependencyError
from growthpilot.workspace import Workspace

StageFn = Callable[[Workspace], dict]


@dataclass(frozen=True)
class Stage:
    name: str
    target: str  # "module:function"
    description: str

    def load(self) -> StageFn:
        module, func = self.target.split(":")
        return getattr(importlib.import_module(module), func)


# In loop order. Each target is the stage's own entry point in its package.
STAGES: tuple[Stage, ...] = ()


def available_stages() -> list[Stage]:
    """Stages whose entry point exists in this installation."""
    out = []
    for s in STAGES:
        module, func = s.target.split(":")
        try:
            mod = importlib.import_module(module)
        except ImportError:
            continue
        if hasattr(mod, func):
            out.append(s)
    return out


def simulate_workspace(ws: Workspace, config, progress: Callable[[int, int], None] | None = None,
                       **kwargs) -> dict[str, int]:
    """Write a simulated shop into ``ws`` and pseudonymise its personal fields (raw values go to the vault),
    exactly as ingest would have done."""
    from growthpilot.privacy import protect_customers
    from growthpilot.simulate import write_shop

    counts = write_shop(ws.warehouse, config, progress, **kwargs)
    protect_customers(ws)
    return counts


@dataclass
class StageResult:
    stage: str
    status: str
    seconds: float
    metrics: dict


def run_loop(ws: Workspace, only: list[str] | None = None,
             on_stage: Callable[[str], None] | None = None) -> list[StageResult]:
    """Run every available stage (or ``only`` these) in order; a failing stage stops the loop."""
    results = []
    for stage in available_stages():
        if only and stage.name not in only:
            continue
        if on_stage:
            on_stage(stage.name)
        t0 = time.perf_counter()
        try:
            fn = stage.load()
        except MissingDependencyError as exc:
            results.append(StageResult(stage.name, f"skipped: {exc}", 0.0, {}))
            continue
        with ws.run(stage.name, {"via": "loop"}) as run:
            metrics = fn(ws) or {}
            run.metrics.update(metrics)
        results.append(StageResult(stage.name, "ok", time.perf_counter() - t0, metrics))
    return results
