"""The loop: run the stages in order on a workspace, each resumable on its own.

A stage is a function ``(workspace) -> dict of metrics`` that reads canonical tables and writes
its own, recording its run in the ``runs`` table. The stages below are thin: each calls its
package's workspace entry point with the loop's defaults.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from growthpilot.errors import GrowthPilotError, MissingDependencyError, ValidationError
from growthpilot.workspace import Workspace


def simulate_workspace(ws: Workspace, config, progress: Callable[[int, int], None] | None = None,
                       **kwargs) -> dict[str, int]:
    """Write a simulated shop into ``ws`` and pseudonymise its personal fields (raw values go to the vault),
    exactly as ingest would have done."""
    from growthpilot.privacy import protect_customers
    from growthpilot.simulate import write_shop

    counts = write_shop(ws.warehouse, config, progress, **kwargs)
    protect_customers(ws)
    return counts


class StageSkipped(Exception):  # noqa: N818 - a signal, not an error
    """Raised by a stage that has nothing to work on in this workspace (e.g. no marketing spend for the
    MMM): the loop reports it as skipped with the reason and goes on."""


@dataclass
class StageResult:
    stage: str
    status: str
    seconds: float
    metrics: dict


def run_loop(ws: Workspace, only: list[str] | None = None,
             on_stage: Callable[[str], None] | None = None) -> list[StageResult]:
    """Run every stage (or ``only`` these) in order; each records its own run. A stage whose optional
    extra is missing, or that has no input in this workspace (:class:`StageSkipped`), is reported as
    skipped with the reason; one that fails with a library error (bad data, bad settings) is reported as
    ``failed: <reason>`` and stops the loop (the stages after it need its tables)."""
    from growthpilot.stages import STAGES

    unknown = set(only or ()) - {s.name for s in STAGES}
    if unknown:
        raise ValidationError(f"unknown stage(s) {sorted(unknown)}",
                              expected=f"one of {', '.join(s.name for s in STAGES)} (--stage repeats)")
    results = []
    for stage in STAGES:
        if only and stage.name not in only:
            continue
        if on_stage:
            on_stage(stage.name)
        t0 = time.perf_counter()
        try:
            metrics = stage.run(ws) or {}
        except (MissingDependencyError, StageSkipped) as exc:
            results.append(StageResult(stage.name, f"skipped: {exc}", 0.0, {}))
            continue
        except GrowthPilotError as exc:
            results.append(StageResult(stage.name, f"failed: {exc}", time.perf_counter() - t0, {}))
            break
        results.append(StageResult(stage.name, "ok", time.perf_counter() - t0, metrics))
    return results
