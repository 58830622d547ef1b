"""Marketing-mix model benchmark: ROI with 90 % intervals, out-of-time MAPE, fit time.

Any weekly table by flags, or the project's simulator (known true ROI per channel)::

    python benchmarks/mmm.py --data ../shared/data/mmm/pymc_marketing_mmm_example.csv \
        --date-col date_week --target-col y --spend-cols x1,x2 --control-cols event_1,event_2
    python benchmarks/mmm.py --simulate --weeks 156 --channels 6 --seed 7
    python benchmarks/mmm.py --data weekly.csv --target-col revenue --spend-cols tv_spend,search_spend \
        --lift-tests lifts.csv --truth truth.csv

With ``--lift-tests PATH`` (or ``--simulate``, which makes lift tests) the model is fitted
without and with calibration and both are shown. The last stdout line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")

import pandas as pd  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.markup import escape  # noqa: E402
from rich.table import Table  # noqa: E402

from growthpilot.benchmark_output import run_main, strict_json  # noqa: E402
from growthpilot.files import read_table  # noqa: E402
from growthpilot.mmm.benchmark import final_metrics, run_benchmark  # noqa: E402
from growthpilot.mmm.lift import match_channel  # noqa: E402


def _cols(s: str | None) -> list[str]:
    return [c.strip() for c in s.split(",") if c.strip()] if s else []


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", help="weekly CSV or Parquet table")
    p.add_argument("--date-col", default="date")
    p.add_argument("--target-col", default="y")
    p.add_argument("--spend-cols", help="comma-separated spend (or impressions) columns")
    p.add_argument("--control-cols", default="", help="comma-separated control columns")
    p.add_argument("--geo-col", default=None, help="geo column of a panel (summed to a national series)")
    p.add_argument("--lift-tests", default=None,
                   help="CSV of lift tests: total form channel,start_date,end_date,delta_spend,lift,"
                        "lift_se (or lift_low,lift_high at 90 %%), optional geo and market_share (share of the "
                        "market a geo/user holdout ran in; its spend change and lift are for that share); or per-week form "
                        "channel,x,delta_x,delta_y,sigma (see docs/mmm.md)")
    p.add_argument("--lift-likelihood", default="path", choices=["path", "steady"],
                   help="replay windowed lift tests on the spend path (default) or use the steady-state curve")
    p.add_argument("--truth", default=None, help="CSV with channel,true_roi to score ROI against (known truth)")
    p.add_argument("--simulate", action="store_true", help="use growthpilot.simulate.mmm (scores against truth)")
    p.add_argument("--weeks", type=int, default=156)
    p.add_argument("--channels", default="6", help="--simulate: number of channels or comma-separated names")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--lift-design", default="mixed", choices=["mixed", "holdout", "scale"],
                   help="--simulate: how its lift tests move spend (go-dark holdouts, 25-60 %% scale tests, or "
                        "one holdout per channel plus scale tests)")
    p.add_argument("--holdout-weeks", type=int, default=8, help="last weeks kept out for the out-of-time MAPE")
    p.add_argument("--no-uncalibrated", action="store_true", help="with lift tests, skip the uncalibrated fit")
    p.add_argument("--adstock", default="geometric", choices=["geometric", "delayed"])
    p.add_argument("--saturation", default="hill", choices=["hill", "logistic", "hill+logistic"],
                   help="saturation family; hill+logistic fits both and pools their draws (the JSON and tables "
                        "then also show each family and the other weightings)")
    p.add_argument("--mixture-weights", default="equal", choices=["equal", "stacking", "pseudo-bma"],
                   help="hill+logistic: family weights (equal, or from PSIS-LOO of the weekly outcome)")
    p.add_argument("--l-max", type=int, default=8)
    p.add_argument("--yearly-seasonality", type=int, default=3)
    p.add_argument("--draws", type=int, default=500)
    p.add_argument("--tune", type=int, default=500)
    p.add_argument("--chains", type=int, default=2)
    p.add_argument("--random-seed", type=int, default=0)
    p.add_argument("--hill-slope-prior", default=None, metavar="MU,SD",
                   help="Gamma prior (mean,sd) of the Hill slope instead of the default (e.g. 1.8,0.5, the previous one)")
    p.add_argument("--beta-prior", default="flat", choices=["flat", "spend_share"],
                   help="Hill beta prior: flat HalfNormal(0.5), or scaled by each channel's share of spend")
    p.add_argument("--predictions-out", default=None, help="write per-week predictions (CSV)")
    p.add_argument("--debug", action="store_true", help="show the traceback of an input error")
    a = p.parse_args(argv)
    console = Console(stderr=True)

    truth = lifts = None
    if a.simulate:
        from growthpilot.simulate.mmm import simulate_mmm

        channels = int(a.channels) if a.channels.isdigit() else _cols(a.channels)
        data, truth, lifts = simulate_mmm(weeks=a.weeks, channels=channels, seed=a.seed,
                                          lift_design=a.lift_design)
        lifts = lifts.drop(columns=["true_lift"])  # the studies only, never the simulator's truth
        spend_cols = [f"{c}_spend" for c in truth["channel"]]
        control_cols = _cols(a.control_cols) or ["price_index", "promo", "holiday", "competitor_spend"]
        date_col, target_col = "date", "revenue"
        truth_map = {c: f"{c}_spend" for c in truth["channel"]}
        source = (f"simulate_mmm(weeks={a.weeks}, channels={a.channels}, seed={a.seed}, "
                  f"lift_design={a.lift_design!r})")
    else:
        if not a.data or not a.spend_cols:
            p.error("--data and --spend-cols are required unless --simulate")
        data = read_table(a.data)  # CSV (any of , ; tab |), gzipped CSV, Parquet
        spend_cols, control_cols = _cols(a.spend_cols), _cols(a.control_cols)
        date_col, target_col, truth_map, source = a.date_col, a.target_col, None, a.data
    if a.lift_tests:
        lifts = read_table(a.lift_tests)
    if a.truth:
        truth = pd.read_csv(a.truth)
        truth_map = {c: m for c in truth["channel"] if (m := match_channel(c, spend_cols))}

    model_config = None
    if a.hill_slope_prior:
        from pymc_extras.prior import Prior

        mu, sd = (float(v) for v in a.hill_slope_prior.split(","))
        model_config = {"saturation_slope": Prior("Gamma", mu=mu, sigma=sd)}
    t0 = time.perf_counter()
    res = run_benchmark(
        data, date_col=date_col, target_col=target_col, spend_cols=spend_cols, control_cols=control_cols,
        geo_col=a.geo_col, lift_tests=lifts, truth=truth, holdout_weeks=a.holdout_weeks,
        compare_uncalibrated=not a.no_uncalibrated, truth_channel_map=truth_map,
        model_params=dict(adstock=a.adstock, saturation=a.saturation, l_max=a.l_max,
                          yearly_seasonality=a.yearly_seasonality, draws=a.draws, tune=a.tune, chains=a.chains,
                          random_seed=a.random_seed, lift_likelihood=a.lift_likelihood,
                          model_config=model_config, beta_prior=a.beta_prior,
                          mixture_weights=a.mixture_weights),
        log=lambda m: console.print(m),
    )
    out = Console(width=170)
    table = Table(title=f"MMM ROI (90 % interval) — {source}")
    for col in ["variant", "channel", "spend", "roi", "roi_low", "roi_high", "mroi", "true_roi", "error %", "in 90 %"]:
        table.add_column(col)
    for name, t in res.tables.items():
        for r in t.to_dict("records"):
            true = r.get("true_roi")
            has = true is not None and pd.notna(true)
            table.add_row(escape(name), r["channel"], f"{r['spend']:,.0f}", f"{r['roi']:.4g}", f"{r['roi_low']:.4g}",
                          f"{r['roi_high']:.4g}", f"{r['mroi']:.4g}", f"{true:.4g}" if has else "",
                          f"{(r['roi'] / true - 1) * 100:+.1f}" if has else "",
                          str(r["roi_low"] <= true <= r["roi_high"]) if has else "")
    out.print(table)
    summary = Table(title="fit summary")
    keys = ["mape_oot", "mape_in_sample", "fit_seconds", "divergences", "max_rhat", "lift_tests", "roi_mape",
            "roi_max_abs_err", "roi_coverage_90", "roi_within_20pct", "roi_rank_spearman", "lift_mean_z",
            "lift_share_abs_z_over_2"]
    summary.add_column("metric")
    for name in res.metrics:
        summary.add_column(escape(name))
    for k in keys:
        if any(k in m for m in res.metrics.values()):
            summary.add_row(k, *[f"{m[k]:.3f}" if isinstance(m.get(k), float) else str(m.get(k, ""))
                                 for m in res.metrics.values()])
    out.print(summary)
    if res.lift_check is not None and len(res.lift_check):
        check = Table(title="lift tests: measured vs the calibrated model's replay (z = (measured - modelled) / se)")
        for col in ["channel", "start", "weeks", "delta_spend", "lift", "se", "modelled [90 %]", "z"]:
            check.add_column(col)
        for r in res.lift_check.itertuples():
            check.add_row(r.channel, str(r.start_date), str(r.weeks), f"{r.delta_spend:,.0f}", f"{r.lift:,.0f}",
                          f"{r.lift_se:,.0f}", f"{r.modelled:,.0f} [{r.modelled_low:,.0f}, {r.modelled_high:,.0f}]",
                          f"{r.z:+.2f}")
        out.print(check)
    if a.predictions_out and res.predictions is not None:
        res.predictions.to_csv(a.predictions_out, index=False)
    js = final_metrics(res)
    js["total_seconds"] = round(time.perf_counter() - t0, 1)
    js["data"] = source
    sys.stdout.write(json.dumps(strict_json(js)) + "\n")
    return 0


if __name__ == "__main__":
    run_main(main)
