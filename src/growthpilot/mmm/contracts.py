"""The ``mmm_results`` output table: one row per channel and run."""

from __future__ import annotations

from growthpilot.warehouse.contracts import TableContract, register

MMM_RESULTS = register(TableContract(
    "mmm_results",
    {
        "channel": "string", "roi": "float64", "roi_low": "float64", "roi_high": "float64",
        "mroi": "float64", "mroi_low": "float64", "mroi_high": "float64",
        "contribution": "float64", "contribution_low": "float64", "contribution_high": "float64",
        "spend": "float64", "share_of_spend": "float64", "share_of_effect": "float64",
        "current_weekly_spend": "float64", "recommended_weekly_spend": "float64",
        "calibrated": "boolean", "window_start": "date", "window_end": "date",
        "model_version": "string", "run_id": "string",
    },
    keys=("run_id", "channel"), required=("channel", "roi", "run_id"),
    description="Marketing-mix model per channel: ROI (ROAS) and marginal ROI with 90 % intervals, "
    "contribution and spend over the window, and the recommended weekly spend.",
))
