"""Closed periods of intraday series (forecast-1.10): forecast 0 and interval [0, 0] where the shop was closed."""

import numpy as np
import pandas as pd

from growthpilot.forecast.hours import closed_periods, mask_closed, open_rows, week_slot


def _shop(weeks: int = 8, seed: int = 0, freq: str = "h", start: str = "2024-01-01") -> pd.DataFrame:
    """Two shops open 9:00-17:59 Monday to Friday and 10:00-15:59 on Sunday, closed at night and on Saturday."""
    ds = pd.date_range(start, periods=weeks * 7 * 24 * (60 // (30 if freq == "30min" else 60)), freq=freq)
    rng = np.random.default_rng(seed)
    weekday_open = (ds.dayofweek < 5) & (ds.hour >= 9) & (ds.hour < 18)
    sunday_open = (ds.dayofweek == 6) & (ds.hour >= 10) & (ds.hour < 16)
    is_open = weekday_open | sunday_open
    parts = []
    for uid, level in (("a", 20.0), ("b", 60.0)):
        y = np.where(is_open, rng.poisson(level * (1.0 + 0.4 * np.sin(np.pi * (ds.hour - 9) / 9)), len(ds)), 0.0)
        parts.append(pd.DataFrame({"unique_id": uid, "ds": ds, "y": y.astype(float)}))
    return pd.concat(parts, ignore_index=True)


def test_week_slot_counts_periods_from_monday_midnight():
    ds = pd.Series(pd.to_datetime(["2024-01-01 00:00", "2024-01-01 13:00", "2024-01-07 23:30"]))  # Monday .. Sunday
    assert week_slot(ds, "h").tolist() == [0, 13, 167]
    assert week_slot(ds, "30min").tolist() == [0, 26, 335]


def test_closed_periods_are_the_periods_of_the_week_without_a_sale_in_the_last_four_weeks():
    df = _shop(weeks=8)
    cutoff = pd.Timestamp("2024-02-11 23:00")  # a Sunday night, six weeks of history (4 + 2 to check them)
    ds = pd.date_range(cutoff + pd.Timedelta(hours=1), periods=7 * 24, freq="h")
    rows = pd.DataFrame({"unique_id": "a", "ds": ds, "cutoff": cutoff})
    closed = closed_periods(df[df["ds"] <= cutoff], rows, "h")
    hour, dow = ds.hour, ds.dayofweek
    should_close = ~(((dow < 5) & (hour >= 9) & (hour < 18)) | ((dow == 6) & (hour >= 10) & (hour < 16)))
    # Poisson(>= 20) sales are never zero in all of four weeks of an open hour
    assert (closed == should_close).all()
    assert closed[(dow == 5)].all() and closed[(hour < 9)].all()  # Saturday and the nights


def test_a_sale_in_one_of_the_four_weeks_opens_the_period_and_later_data_is_not_read():
    df = _shop(weeks=8)
    cutoff = pd.Timestamp("2024-02-11 23:00")
    saturday_noon = pd.Timestamp("2024-01-27 12:00")  # two weeks before the cutoff
    df.loc[(df["unique_id"] == "a") & (df["ds"] == saturday_noon), "y"] = 3.0
    after = pd.Timestamp("2024-02-17 13:00")  # a sale after the cutoff (the Saturday forecast) must not count
    df.loc[(df["unique_id"] == "b") & (df["ds"] == after), "y"] = 5.0
    rows = pd.DataFrame({"unique_id": ["a", "b", "a"], "cutoff": cutoff,
                         "ds": [pd.Timestamp("2024-02-17 12:00"), pd.Timestamp("2024-02-17 13:00"),
                                pd.Timestamp("2024-02-17 13:00")]})
    assert closed_periods(df, rows, "h").tolist() == [False, True, True]
    # five weeks back the sale no longer counts
    rows5 = rows.assign(cutoff=cutoff + pd.Timedelta(weeks=2), ds=rows["ds"] + pd.Timedelta(weeks=2))
    assert closed_periods(df, rows5, "h")[0]


def test_no_closed_period_with_less_than_six_weeks_of_history_or_at_daily_frequency():
    df = _shop(weeks=5)
    cutoff = df["ds"].max()
    rows = pd.DataFrame({"unique_id": "a", "cutoff": cutoff,
                         "ds": pd.date_range(cutoff + pd.Timedelta(hours=1), periods=24, freq="h")})
    assert not closed_periods(df, rows, "h").any()
    daily = df.assign(ds=df["ds"].dt.normalize()).groupby(["unique_id", "ds"], as_index=False)["y"].sum()
    frame = pd.DataFrame({"unique_id": "a", "cutoff": pd.Timestamp("2024-01-14"),
                          "ds": pd.date_range("2024-01-15", periods=7, freq="D"), "AutoETS": 1.0})
    assert not closed_periods(daily, frame, "D").any()
    assert mask_closed(frame, daily, ["AutoETS"], "D") is frame  # daily and longer data untouched


def test_a_sporadic_seller_has_no_closed_period():
    """Sales in a few random hours a week (a small country of Online Retail by hour): no opening hours to
    learn, every period of the week is 'without a sale in four weeks' by chance, so nothing is closed."""
    ds = pd.date_range("2024-01-01", periods=10 * 168, freq="h")
    rng = np.random.default_rng(1)
    y = np.where(rng.random(len(ds)) < 4 / 168, rng.integers(5, 50, len(ds)), 0).astype(float)  # 4 sales a week
    df = pd.DataFrame({"unique_id": "s", "ds": ds, "y": y})
    cutoff = ds[-1]
    rows = pd.DataFrame({"unique_id": "s", "cutoff": cutoff,
                         "ds": pd.date_range(cutoff + pd.Timedelta(hours=1), periods=168, freq="h")})
    assert not closed_periods(df, rows, "h").any()
    # the same number of sales, but always in the same four hours of the week: those are its opening hours
    fixed = np.isin(week_slot(df["ds"], "h"), [10, 34, 58, 82])
    regular = df.assign(y=np.where(fixed, 20.0, 0.0))
    assert not closed_periods(regular, rows, "h").any()  # fewer than 7 sales a week: too few to tell
    often = np.isin(week_slot(df["ds"], "h"), [10 + 24 * d + k for d in range(5) for k in range(3)])
    closed = closed_periods(df.assign(y=np.where(often, 20.0, 0.0)), rows, "h")
    assert closed.sum() == 168 - 15


def test_mask_closed_zeroes_the_forecasts_and_open_rows_keeps_the_rest():
    df = _shop(weeks=8)
    cutoff = pd.Timestamp("2024-02-11 23:00")
    ds = pd.date_range(cutoff + pd.Timedelta(hours=1), periods=48, freq="h")
    frame = pd.DataFrame({"unique_id": "b", "ds": ds, "cutoff": cutoff, "y": 1.0, "AutoETS": 5.0, "other": 7.0})
    out = mask_closed(frame, df[df["ds"] <= cutoff], ["AutoETS"], "h")
    assert (out.loc[out["closed"], "AutoETS"] == 0).all() and (out.loc[~out["closed"], "AutoETS"] == 5).all()
    assert (out["other"] == 7).all() and (frame["AutoETS"] == 5).all()  # only the named columns, on a copy
    assert len(open_rows(out)) == int((~out["closed"]).sum()) > 0
    assert len(open_rows(out.assign(closed=True))) == len(out)  # never an empty calibration set


def test_hourly_backtest_and_forecaster_forecast_zero_when_closed_with_intervals_from_open_hours():
    from growthpilot.forecast.evaluate import evaluate
    from growthpilot.forecast.forecaster import DemandForecaster

    df = _shop(weeks=9)
    models = ("SeasonalNaive", "AutoETS")
    ev = evaluate(df, freq="h", h=24, windows=3, models=models)
    test = ev.frame
    closed = test["closed"].to_numpy(bool)
    assert 0.4 < closed.mean() < 0.9
    for name in ("chosen", "AutoETS", "SeasonalNaive"):
        assert (test.loc[closed, name] == 0).all()
        assert (test.loc[closed, name + "__lo"] == 0).all() and (test.loc[closed, name + "__hi"] == 0).all()
    y, lo, hi = test["y"], test["chosen__lo"], test["chosen__hi"]
    open_cov = ((y >= lo) & (y <= hi))[~closed].mean()
    assert open_cov >= 0.6  # calibrated on the open hours' errors, not diluted by the closed hours' zeros
    assert (test.loc[~closed, "chosen__hi"] > test.loc[~closed, "chosen__lo"]).all()

    fc = DemandForecaster(freq="h", horizon=24, models=models).fit(df)
    pred = fc.predict()
    night = pred["ds"].dt.hour < 9
    assert len(pred) == 48 and night.any()
    assert (pred.loc[night, ["y_hat", "lo_90", "hi_90"]] == 0).all().all()
    noon = pred["ds"].dt.hour == 12  # the next day is a Monday: open at noon
    assert (pred.loc[noon, "y_hat"] > 5).all() and (pred.loc[noon, "hi_90"] > pred.loc[noon, "lo_90"]).all()
