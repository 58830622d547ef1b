"""Cell readers shared by every --data PATH: dates in any common form, numbers as people write them."""

from __future__ import annotations

import pandas as pd

from growthpilot.parsing import parse_times, present, to_number


def test_times_in_mixed_iso_forms_offsets_epochs_and_day_first() -> None:
    mixed = parse_times(pd.Series(["2011-09-09T08:00:00Z", "2011-09-09 09:00", "2011-09-09T10:00:00+02:00",
                                   "2011-09-10", None, ""]))
    assert list(mixed[:4]) == [pd.Timestamp("2011-09-09 08:00"), pd.Timestamp("2011-09-09 09:00"),
                               pd.Timestamp("2011-09-09 08:00"), pd.Timestamp("2011-09-10")]
    assert mixed[4:].isna().all() and mixed.dt.tz is None
    day_first = parse_times(pd.Series(["13/01/2011 10:00", "02/03/2011 11:00"]))
    assert list(day_first) == [pd.Timestamp("2011-01-13 10:00"), pd.Timestamp("2011-03-02 11:00")]
    month_first = parse_times(pd.Series(["12/1/2010 8:26", "1/13/2011 9:00"]))
    assert list(month_first) == [pd.Timestamp("2010-12-01 08:26"), pd.Timestamp("2011-01-13 09:00")]
    assert list(parse_times(pd.Series(["1315526400", "20110909"][:1]))) == [pd.Timestamp("2011-09-09")]
    assert list(parse_times(pd.Series([20110909, 20111001]))) == [pd.Timestamp("2011-09-09"),
                                                                  pd.Timestamp("2011-10-01")]
    aware = pd.Series(pd.to_datetime(["2011-09-09 09:00"]).tz_localize("Europe/London"))
    assert list(parse_times(aware)) == [pd.Timestamp("2011-09-09 08:00")]


def test_numbers_with_currency_separators_decimal_commas_and_parentheses() -> None:
    s = pd.Series(["£1,234.50", "12,50", "1.234,50", "(3.00)", "$7", "EUR 4", "12.5", "abc", None])
    out = to_number(s)
    assert out[:7].tolist() == [1234.5, 12.5, 1234.5, -3.0, 7.0, 4.0, 12.5]
    assert out[7:].isna().all()
    assert to_number(pd.Series([1, 2.5])).tolist() == [1.0, 2.5]


def test_missing_markers_are_not_values() -> None:
    assert present(pd.Series(["x", "", " NA ", "null", "-", None, "0"])).tolist() == [
        True, False, False, False, False, False, True]


def test_years_and_iso_weeks() -> None:
    assert list(parse_times(pd.Series([1990, 1991]))) == [pd.Timestamp("1990-01-01"), pd.Timestamp("1991-01-01")]
    assert list(parse_times(pd.Series(["2011"]))) == [pd.Timestamp("2011-01-01")]
    assert list(parse_times(pd.Series(["2011-W01", "2011W02"]))) == [pd.Timestamp("2011-01-03"),
                                                                     pd.Timestamp("2011-01-10")]  # Mondays
