import pandas as pd
import pytest

from growthpilot.errors import DataError, ValidationError
from growthpilot.forecast.data import prepare_series, series_from_orders
from growthpilot.forecast.frequency import infer_freq, normalize_freq, season_length


def test_prepare_fills_gaps_with_zero_and_sums_duplicates():
    raw = pd.DataFrame({"sku": ["a", "a", "a", "b"], "day": ["2024-01-01", "2024-01-01", "2024-01-04", "2024-01-03"],
                        "qty": [1, 2, 5, 7]})
    s = prepare_series(raw, freq="D", id_col="sku", time_col="day", target_col="qty")
    a = s[s.unique_id == "a"]
    assert a["y"].tolist() == [3.0, 0.0, 0.0, 5.0]
    b = s[s.unique_id == "b"]  # extended to the table's last date
    assert b["ds"].max() == pd.Timestamp("2024-01-04") and b["y"].tolist() == [7.0, 0.0]


def test_prepare_aligns_weeks_and_months():
    raw = pd.DataFrame({"d": ["2024-01-03", "2024-01-05", "2024-02-20"], "v": [1, 2, 3]})
    m = prepare_series(raw, freq="M", id_col=None, time_col="d", target_col="v")
    assert m["ds"].tolist() == [pd.Timestamp("2024-01-01"), pd.Timestamp("2024-02-01")]
    assert m["y"].tolist() == [3.0, 3.0]
    w = prepare_series(raw, freq="W-FRI", id_col=None, time_col="d", target_col="v")
    assert w["ds"].iloc[0] == pd.Timestamp("2024-01-05") and w["y"].iloc[0] == 3.0


def test_prepare_errors_name_the_problem():
    raw = pd.DataFrame({"d": ["2024-01-01", "not a date"], "v": [1, 2]})
    with pytest.raises(ValidationError, match="unparseable date.*row 1"):
        prepare_series(raw, freq="D", id_col=None, time_col="d", target_col="v")
    with pytest.raises(ValidationError, match="lacks column"):
        prepare_series(raw, freq="D", id_col="nope", time_col="d", target_col="v")
    with pytest.raises(ValidationError, match="frequency"):
        normalize_freq("fortnightly")


def test_frequency_helpers():
    assert season_length("D") == 7 and season_length("W-FRI") == 52 and season_length("M") == 12
    assert infer_freq(pd.Series(pd.date_range("2020-01-01", periods=5, freq="MS"))) == "MS"
    assert infer_freq(pd.Series(pd.date_range("2020-01-03", periods=5, freq="W-FRI"))) == "W-FRI"


def test_sub_hourly_frequencies_have_a_daily_season_and_a_weekly_calibration_cycle():
    from growthpilot.forecast.frequency import align_to_freq, calibration_cycle, cycle_periods, is_intraday

    assert normalize_freq("30min") == "30min" and normalize_freq("15T") == "15min" and normalize_freq("min") == "1min"
    assert season_length("30min") == 48 and season_length("15min") == 96 and season_length("h") == 24
    assert is_intraday("30min") and is_intraday("H") and not is_intraday("D")
    assert calibration_cycle("30min") == pd.Timedelta(days=7) and calibration_cycle("D") is None
    assert cycle_periods("h") == 168 and cycle_periods("30min") == 336 and cycle_periods("W") == 1
    assert infer_freq(pd.Series(pd.date_range("2020-01-01", periods=9, freq="30min"))) == "30min"
    assert infer_freq(pd.Series(pd.date_range("2020-01-01", periods=9, freq="h"))) == "h"
    assert align_to_freq(pd.Series(pd.to_datetime(["2020-01-01 10:47"])), "30min").iloc[0] == pd.Timestamp(
        "2020-01-01 10:30")
    with pytest.raises(ValidationError, match="minutes that divide an hour"):
        normalize_freq("7min")


def _orders():
    return pd.DataFrame({
        "order_id": ["o1", "o2", "o3", "o4"], "line_no": [1, 1, 1, 1], "product_id": ["p1", "p2", "p1", "p3"],
        "ts": pd.to_datetime(["2024-01-01 10:00", "2024-01-01 12:00", "2024-01-02 09:00", "2024-01-03 09:00"]),
        "quantity": [2.0, 1.0, -1.0, 4.0], "unit_price": [10.0, 5.0, 10.0, 2.0], "amount": [20.0, 5.0, -10.0, 8.0],
        "discount": [0.0, 0.2, 0.0, 0.0],
    })


def test_series_from_orders_levels_and_measures():
    products = pd.DataFrame({"product_id": ["p1", "p2", "p3"], "category": ["toys", "toys", "books"]})
    tot = series_from_orders(_orders(), level="total", freq="D")
    assert tot["y"].tolist() == [3.0, -1.0, 4.0]  # returns net out
    rev = series_from_orders(_orders(), level="category", freq="D", measure="revenue", products=products)
    toys = rev[rev.unique_id == "toys"].set_index("ds")["y"]
    assert toys.loc["2024-01-01"] == 25.0 and toys.loc["2024-01-02"] == -10.0
    assert {"price", "promo"} <= set(rev.columns)
    top = series_from_orders(_orders(), level="product", freq="D", top=1)
    assert top["unique_id"].unique().tolist() == ["p3"]
    with pytest.raises(DataError, match="products table"):
        series_from_orders(_orders(), level="category", freq="D")


def test_holiday_counts_by_frequency():
    from growthpilot.forecast.features import holiday_counts

    days = pd.Series(pd.to_datetime(["2024-12-24", "2024-12-25", "2024-12-26"]))
    assert holiday_counts(days, "D", "US").tolist() == [0.5, 1.0, 0.0]  # eve, Christmas, none
    weeks = pd.Series(pd.to_datetime(["2024-12-27", "2025-01-03"]))  # weeks ending on Fridays
    assert holiday_counts(weeks, "W-FRI", "US").tolist() == [1.0, 1.0]  # Christmas, New Year
    months = pd.Series(pd.to_datetime(["2024-07-01", "2024-08-01"]))
    assert holiday_counts(months, "MS", "US").tolist() == [1.0, 0.0]  # Independence Day


def test_prepare_series_reports_summed_rows_and_series_padded_to_the_end():
    import pandas as pd

    from growthpilot.forecast.data import prepare_series

    raw = pd.DataFrame({"sku": ["a", "a", "a", "a", "b"],
                        "day": ["2024-01-01", "2024-01-02", "2024-01-02", "2024-01-05", "2024-01-02"],
                        "qty": [1, 2, 3, 4, 5]})
    df = prepare_series(raw, freq="D", id_col="sku", time_col="day", target_col="qty")
    assert df[df.unique_id == "a"]["y"].tolist() == [1.0, 5.0, 0.0, 0.0, 4.0]  # the duplicate day summed
    assert df[df.unique_id == "b"]["y"].tolist() == [5.0, 0.0, 0.0, 0.0]     # padded to the table's end
    assert df.attrs["rows_summed"] == 1 and df.attrs["padded_to_end"] == {"b": 3}
