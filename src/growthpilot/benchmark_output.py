"""The benchmarks' shared contract for their last stdout line: one strict JSON object, also on bad input."""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Callable

import numpy as np

from growthpilot.errors import GrowthPilotError


def strict_json(obj):
    """``obj`` with NaN and infinities as None, so ``json.dumps`` writes strict JSON (RFC 8259 has no NaN)."""
    if isinstance(obj, dict):
        return {k: strict_json(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [strict_json(v) for v in obj]
    if isinstance(obj, (float, np.floating)):
        return float(obj) if math.isfinite(obj) else None
    return obj


def run_main(main: Callable[[], object]) -> None:
    """Run a benchmark's ``main``; on bad input (a :class:`GrowthPilotError`) print one ``error:`` line on
    stderr and ``{"error": ..., "error_type": ...}`` as the last stdout line, and exit with status 2.
    ``--debug`` on the command line shows the traceback instead."""
    try:
        status = main()
    except GrowthPilotError as exc:
        if "--debug" in sys.argv:
            raise
        print(f"error: {exc}", file=sys.stderr)
        print(json.dumps({"error": str(exc), "error_type": type(exc).__name__}))
        sys.exit(2)
    if isinstance(status, int) and not isinstance(status, bool):
        sys.exit(status)
