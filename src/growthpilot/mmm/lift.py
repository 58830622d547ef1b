"""Lift tests (our experiments and user-given lift studies) in the form calibration needs.

PyMC-Marketing's ``add_lift_test_measurements`` wants one row per test with ``channel``, ``x``
(weekly spend before the test), ``delta_x`` (extra weekly spend), ``delta_y`` (extra weekly
outcome) and ``sigma`` (its standard error), all per week in original units. Tests usually
arrive as totals over a window instead (extra spend, measured incremental revenue and its
standard error or interval); :func:`normalize_lift_tests` converts either form, maps channel
names onto the model's spend columns and drops (with a reason) tests that cannot be used.

>>> import pandas as pd
>>> tests = pd.DataFrame({"channel": ["tv"], "x": [100.0], "delta_x": [20.0], "delta_y": [30.0], "sigma": [5.0]})
>>> normalize_lift_tests(tests, spend_cols=["tv_spend"]).tests[["channel", "delta_y"]].values.tolist()
[['tv_spend', 30.0]]
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from growthpilot.errors import ValidationError

PER_WEEK = ("channel", "x", "delta_x", "delta_y", "sigma")
WINDOW = ("weeks", "start_idx", "end_idx")
_Z90 = 1.6448536269514722
_NATIONAL = {"", "all", "national", "none", "nan", "total"}


@dataclass
class LiftTests:
    """Lift tests ready for calibration plus the ones that were dropped and why."""

    tests: pd.DataFrame
    dropped: list[dict] = field(default_factory=list)


def match_channel(name: str, spend_cols: list[str]) -> str | None:
    """The spend column a lift test's channel refers to (exact, ``<name>_spend``, or ``<col>`` minus suffix)."""
    name = str(name)
    if name in spend_cols:
        return name
    lowered = {c.lower(): c for c in spend_cols}
    for cand in (name, f"{name}_spend", f"{name}_cost", f"spend_{name}"):
        if cand.lower() in lowered:
            return lowered[cand.lower()]
    for col in spend_cols:
        stem = col.lower()
        for suffix in ("_spend", "_cost", "_spend_usd"):
            stem = stem.removesuffix(suffix)
        if stem == name.lower():
            return col
    return None


def normalize_lift_tests(
    tests: pd.DataFrame,
    *,
    spend_cols: list[str],
    data: pd.DataFrame | None = None,
    date_col: str = "date",
    source: str = "lift study",
) -> LiftTests:
    """Convert lift tests to PyMC-Marketing's per-week form in original units.

    Parameters
    ----------
    tests : either the per-week form (``channel, x, delta_x, delta_y, sigma``) or the total
        form (``channel, delta_spend, lift`` and ``lift_se`` or ``lift_low``/``lift_high`` at 90 %,
        plus ``start_date``/``end_date`` or ``weeks``). In the total form ``x`` is the mean
        weekly spend of the channel in ``data`` over the test window. Optional ``market_share``
        (in (0, 1]): the test ran in that share of the market (a geo holdout in a fifth of the
        regions, a user holdout): its spend change, lift and standard error are for that share and
        are divided by it, the national equivalent for homogeneous regions (a geo go-dark
        test becomes a national go-dark, not a national cut of ``market_share``).
    spend_cols : the model's spend columns; channels are matched onto them.
    data : the weekly table, needed for the total form without ``x``.
    date_col : the date column of ``data``.
    source : label for error messages and the ``source`` column.

    Returns
    -------
    LiftTests
        ``tests`` with columns ``channel, x, delta_x, delta_y, sigma, source`` and the window:
        ``weeks``, ``start_idx``/``end_idx`` (first/last row of ``data`` inside
        ``start_date..end_date``, -1 when the window is unknown or not fully inside ``data``;
        such tests are calibrated against the steady-state curve only); ``dropped``
        lists unusable rows with their reason (unknown channel, sign disagreeing with the spend
        change, zero spend change, per-geo test for a national model).
    """
    if tests is None or len(tests) == 0:
        return LiftTests(pd.DataFrame(columns=[*PER_WEEK, "source", *WINDOW]))
    if "channel" not in tests.columns:
        raise ValidationError(f"{source} has no 'channel' column", column="channel",
                              expected=f"columns {list(PER_WEEK)} or channel, delta_spend, lift, lift_se, weeks")
    rows, dropped = [], []
    for i, r in enumerate(tests.to_dict("records")):
        col = match_channel(r["channel"], spend_cols)
        why = None
        geo = r.get("geo")
        if col is None:
            why = f"channel {r['channel']!r} is not one of the spend columns {spend_cols}"
        elif geo is not None and not (isinstance(geo, float) and np.isnan(geo)) and str(geo).lower() not in _NATIONAL:
            why = f"per-geo test (geo {geo!r}) cannot calibrate a national model"
        if why:
            dropped.append({"row": i, "channel": r["channel"], "reason": why})
            continue
        try:
            row = _per_week(r, col, data, date_col)
        except _OutsideData as exc:
            dropped.append({"row": i, "channel": r["channel"], "reason": str(exc)})
            continue
        except ValidationError as exc:
            raise ValidationError(f"{source} row {i}: {exc}") from None
        try:
            share = _market_share(r)
        except ValidationError as exc:
            raise ValidationError(f"{source} row {i}: {exc}") from None
        for k in ("delta_x", "delta_y", "sigma"):  # a test in a share of the market as its national equivalent
            row[k] /= share
        win = _window_rows(r, data, date_col)
        if row["delta_x"] == 0 or row["sigma"] <= 0 or not np.isfinite([row[k] for k in PER_WEEK[1:]]).all():
            dropped.append({"row": i, "channel": r["channel"], "reason": "zero spend change or non-positive sigma"})
            continue
        if row["delta_x"] * row["delta_y"] <= 0:
            dropped.append({"row": i, "channel": r["channel"],
                            "reason": "measured lift has the opposite sign of the spend change (noise); "
                                      "a saturation curve cannot produce it"})
            continue
        start, end = win if win is not None else (-1, -1)
        weeks = float(r["weeks"]) if _ok(r.get("weeks")) else float(end - start + 1) if win else np.nan
        rows.append({"channel": col, **{k: row[k] for k in PER_WEEK[1:]}, "source": source,
                     "weeks": weeks, "start_idx": start, "end_idx": end})
    out = pd.DataFrame(rows, columns=[*PER_WEEK, "source", *WINDOW])
    return LiftTests(out, dropped)


def _market_share(r: dict) -> float:
    """The share of the market (geos, users) a test ran in; 1 (national) when not given."""
    v = r.get("market_share")
    if v is None or (isinstance(v, float) and np.isnan(v)) or (isinstance(v, str) and not v.strip()):
        return 1.0
    try:
        share = float(v)
    except (TypeError, ValueError):
        share = float("nan")
    if not (0 < share <= 1):
        raise ValidationError("market_share must be a share of the market in (0, 1]", column="market_share",
                              value=v, expected="e.g. 0.2 for a test run in a fifth of the market")
    return share


def _per_week(r: dict, col: str, data: pd.DataFrame | None, date_col: str) -> dict[str, float]:
    if all(_ok(r.get(k)) for k in PER_WEEK[1:]):
        return {"channel": col, **{k: float(r[k]) for k in PER_WEEK[1:]}}
    if not (_ok(r.get("delta_spend")) and _ok(r.get("lift"))):
        raise ValidationError("lift test needs x, delta_x, delta_y, sigma or delta_spend, lift, lift_se",
                              expected="per-week or total lift-test columns")
    if _ok(r.get("lift_se")):
        se = float(r["lift_se"])
    elif _ok(r.get("lift_low")) and _ok(r.get("lift_high")):
        se = (float(r["lift_high"]) - float(r["lift_low"])) / (2 * _Z90)
    else:
        raise ValidationError("lift test needs lift_se or lift_low/lift_high (90 %)", column="lift_se")
    weeks, x = _window(r, col, data, date_col)
    return {"channel": col, "x": x, "delta_x": float(r["delta_spend"]) / weeks,
            "delta_y": float(r["lift"]) / weeks, "sigma": se / weeks}


def _window(r: dict, col: str, data: pd.DataFrame | None, date_col: str) -> tuple[float, float]:
    start, end = r.get("start_date"), r.get("end_date")
    if _ok(r.get("weeks")) and _ok(r.get("x")):
        return float(r["weeks"]), float(r["x"])
    if start is None or end is None or data is None:
        raise ValidationError("total-form lift test needs start_date/end_date and the weekly data "
                              "(or weeks and x)", column="start_date")
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    dates = pd.to_datetime(data[date_col])
    inside = (dates >= start) & (dates <= end)
    if not inside.any():
        raise _OutsideData(f"window {start.date()}..{end.date()} holds no week of the modelled data")
    weeks = _ok(r.get("weeks")) and float(r["weeks"]) or float(inside.sum())
    return weeks, float(data.loc[inside.to_numpy(), col].mean())


class _OutsideData(ValidationError):
    """A total-form test whose window lies outside the modelled weeks (dropped, not an error)."""


def _window_rows(r: dict, data: pd.DataFrame | None, date_col: str) -> tuple[int, int] | None:
    """First and last row of ``data`` in the test window when the whole window is inside the data."""
    start, end = r.get("start_date"), r.get("end_date")
    if data is None or start is None or end is None or pd.isna(start) or pd.isna(end):
        return None
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    dates = pd.DatetimeIndex(pd.to_datetime(data[date_col]))
    rows = np.flatnonzero((dates >= start) & (dates <= end))
    if not len(rows) or start < dates[0] or end > dates[-1] + pd.Timedelta(days=6):
        return None
    return int(rows[0]), int(rows[-1])


def _ok(v: object) -> bool:
    if v is None:
        return False
    try:
        return bool(np.isfinite(float(v)))
    except (TypeError, ValueError):
        return False


def lift_tests_from_experiments(
    results: pd.DataFrame, campaigns: pd.DataFrame, *, metric: str = "incremental_revenue",
) -> pd.DataFrame:
    """Total-form lift tests from our own experiments (``experiment_results``/``campaign_results``).

    A row counts when ``metric`` equals ``metric`` (incremental revenue of the treated arm over
    its holdout): ``value`` (or ``lift``) is the incremental revenue and ``ci_low``/``ci_high``
    its 90 % interval. The campaign gives the ``channel``, the window (``start_ts``..``end_ts``)
    and the extra spend (``budget``).
    """
    if results is None or campaigns is None or len(results) == 0 or len(campaigns) == 0:
        return pd.DataFrame(columns=["channel", "start_date", "end_date", "delta_spend", "lift", "lift_low",
                                     "lift_high"])
    res = results[results["metric"].astype(str) == metric].copy()
    res = res[res["arm"].astype(str).str.lower().ne("control")] if "arm" in res else res
    merged = res.merge(campaigns, on="campaign_id", how="inner")
    lift = merged["value"].where(merged["value"].notna(), merged.get("lift"))
    out = pd.DataFrame({
        "channel": merged["channel"], "start_date": pd.to_datetime(merged["start_ts"]).dt.normalize(),
        "end_date": pd.to_datetime(merged["end_ts"]).dt.normalize(), "delta_spend": merged["budget"],
        "lift": lift, "lift_low": merged["ci_low"], "lift_high": merged["ci_high"],
    })
    return out.dropna(subset=["channel", "delta_spend", "lift", "lift_low", "lift_high"]).reset_index(drop=True)
