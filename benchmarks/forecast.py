"""Forecast benchmark: nested rolling-origin backtest of every model and the automatic choice.

Examples
--------
python benchmarks/forecast.py --data ../shared/data/sales_timeseries/walmart_store_sales.csv \
    --id-col Store --time-col Date --target-col Weekly_Sales --freq W-FRI --horizon 12 --windows 3 --dayfirst
python benchmarks/forecast.py --simulate --simulate-source panel --n-series 500 --periods 730 --freq D --horizon 14 --windows 3

The last stdout line is one JSON object: per model MASE, sMAPE, bias, 90 % coverage and seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import time

os.environ.setdefault("OMP_NUM_THREADS", "2")

from growthpilot.benchmark_output import run_main, strict_json  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data", help="long-format CSV/Parquet (or wide, with --target-col '*' or a,b,c)")
    p.add_argument("--id-col", default=None, help="series id column (default: unique_id if present, else one series)")
    p.add_argument("--time-col", default=None, help="date column (default: ds if present; omit with --start for consecutive rows)")
    p.add_argument("--target-col", default="y")
    p.add_argument("--exog-cols", default="", help="comma-separated exogenous columns for LightGBM")
    p.add_argument("--freq", default="D", help="D, W, W-FRI, MS, QS, ...")
    p.add_argument("--horizon", type=int, default=14)
    p.add_argument("--windows", type=int, default=3, help="evaluated rolling windows")
    p.add_argument("--val-windows", type=int, default=None,
                   help="earlier windows used to choose and calibrate (default: automatic, 2 to 6)")
    p.add_argument("--models", default="SeasonalNaive,AutoETS,AutoARIMA,AutoTheta,MSTL,LightGBM")
    p.add_argument("--selection", default="anchored", choices=["anchored", "global", "best", "per_series"])
    p.add_argument("--country", default="US", help="holiday calendar (ISO code)")
    p.add_argument("--start", default=None, help="first date when the file has no date column")
    p.add_argument("--top", type=int, default=None, help="keep the N series with the largest totals")
    p.add_argument("--dayfirst", action="store_true", help="dates are dd-mm-yyyy")
    p.add_argument("--simulate", action="store_true", help="use a synthetic panel instead of --data")
    p.add_argument("--simulate-source", default="shop", choices=["shop", "panel"],
                   help="shop: the project's shop simulator by product; panel: synthetic series panel")
    p.add_argument("--customers", type=int, default=5000, help="customers of the shop simulator")
    p.add_argument("--n-series", type=int, default=500)
    p.add_argument("--periods", type=int, default=730)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--intermittent-models", action="store_true",
                   help="also try ADIDA and IMAPA when at least half of the series are intermittent (ADI > 1.32)")
    p.add_argument("--predictions-out", default=None,
                   help="fit the chosen model on the whole file; write the next --horizon periods as CSV")
    a = p.parse_args(argv)

    from growthpilot.forecast.bench import arima_budget_for, format_table, load_long, simulated_series
    from growthpilot.forecast.evaluate import evaluate
    from growthpilot.forecast.forecaster import DemandForecaster
    from growthpilot.forecast.frequency import normalize_freq

    t0 = time.perf_counter()
    exog = [c for c in a.exog_cols.split(",") if c]
    if a.simulate:
        df, source = simulated_series(source=a.simulate_source, n_series=a.n_series, periods=a.periods,
                                      freq=a.freq, customers=a.customers, seed=a.seed)
        exog = exog or ["price", "promo"]
    elif a.data:
        df = load_long(a.data, freq=a.freq, id_col=a.id_col, time_col=a.time_col, target_col=a.target_col,
                       exog_cols=exog, start=a.start, top=a.top, dayfirst=a.dayfirst)
        source = a.data
    else:
        p.error("give --data PATH or --simulate")
    freq = normalize_freq(a.freq)
    models = [m for m in a.models.split(",") if m]
    budget, refit, run_arima = arima_budget_for(df, freq, a.windows + (a.val_windows or 2))
    if not run_arima and "AutoARIMA" in models:
        models.remove("AutoARIMA")
        print("AutoARIMA left out: over the time budget for this panel size (see arima_budget_for)")
    t_load = time.perf_counter() - t0
    ev = evaluate(df, freq=freq, h=a.horizon, windows=a.windows, n_val=a.val_windows, models=models,
                  exog_cols=exog, country=a.country, selection=a.selection, refit=refit, arima_budget=budget,
                  seed=a.seed, intermittent_models=a.intermittent_models)
    print(f"data: {source}  series: {ev.n_series} (dropped short: {len(ev.dropped)})  freq {freq}  "
          f"horizon {a.horizon}  windows {a.windows} (+{ev.n_val} for choice/calibration)  refit {refit}")
    print(format_table(ev.table))
    print("chosen per evaluated window:", ev.choices)
    metrics = ev.metrics()
    if a.predictions_out:
        fc = DemandForecaster(freq=freq, horizon=a.horizon, models=models, n_val=a.val_windows,
                              selection=a.selection, country=a.country, exog_cols=exog, refit=refit,
                              arima_budget=budget, seed=a.seed, intermittent_models=a.intermittent_models).fit(df)
        pred = fc.predict()
        pred[["unique_id", "ds", "y_hat", "lo_90", "hi_90"]].to_csv(a.predictions_out, index=False)
        metrics["predictions_out"] = a.predictions_out
        metrics["predictions_model"] = ",".join(sorted(set(pred["model"])))
        print(f"wrote {len(pred)} predictions by {metrics['predictions_model']} to {a.predictions_out}")
    wall = time.perf_counter() - t0
    usage = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    metrics.update({"data": source, "freq": freq, "horizon": a.horizon, "windows": a.windows,
                    "seconds_load": round(t_load, 2), "seconds_wall": round(wall, 2),
                    "cpu_seconds": round(sum(u.ru_utime + u.ru_stime for u in usage), 1)})
    print(json.dumps(strict_json(metrics), default=str))
    return 0


if __name__ == "__main__":
    run_main(main)
