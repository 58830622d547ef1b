"""Read cell values as users write them: numbers with currency signs or decimal commas, dates in any
common form, and the usual markers of a missing value."""

from __future__ import annotations

import re

import pandas as pd

#: text that means "no value" (besides an empty cell)
MISSING_MARKERS = frozenset({"na", "n/a", "nan", "null", "none", "-", "?", "#n/a", "nat"})
_CURRENCY = re.compile(r"[$£€¥₹]")
_CODE = re.compile(r"^[A-Z]{3}(?=[-+(\d])|(?<=\d)[A-Z]{3}$")
_THOUSANDS = re.compile(r"^[-+]?\d{1,3}(,\d{3})+(\.\d+)?$")
_DECIMAL_COMMA = re.compile(r"^[-+]?(\d+|\d{1,3}(\.\d{3})+),\d{1,2}$")  # 12,50 and 1.234,50
_DMY = r"^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{2,4})\b"


def present(s: pd.Series) -> pd.Series:
    """True where a cell holds a value (not null, not empty, not a missing marker such as ``NA`` or ``-``)."""
    txt = s.astype("string").str.strip()
    return (s.notna() & txt.ne("") & ~txt.str.lower().isin(MISSING_MARKERS)).fillna(False).astype(bool)


def _clean_number(v: str) -> str:
    v = _CODE.sub("", _CURRENCY.sub("", re.sub(r"\s", "", v)))
    neg = v.startswith("(") and v.endswith(")")
    v = v.strip("()")
    if _THOUSANDS.match(v):
        v = v.replace(",", "")
    elif _DECIMAL_COMMA.match(v):
        v = v.replace(".", "").replace(",", ".")
    return f"-{v}" if neg else v


def to_number(s: pd.Series) -> pd.Series:
    """Numbers as they are; text such as ``"£1,234.50"``, ``"12,50"`` or ``"(3.00)"`` cleaned first."""
    out = pd.to_numeric(s, errors="coerce").astype(float)
    retry = out.isna() & s.notna()
    if retry.any() and not pd.api.types.is_numeric_dtype(s):
        out[retry] = pd.to_numeric(s[retry].astype(str).map(_clean_number), errors="coerce")
    return out


def parse_times(s: pd.Series) -> pd.Series:
    """Naive UTC timestamps from a column of datetimes, ISO text (any offsets), years (``2011``), ISO weeks
    (``2011-W01``: its Monday), ``YYYYMMDD``, Unix seconds or milliseconds, or ``d/m/y`` / ``m/d/y`` text (day
    first when a first field is above 12); NaT where unreadable."""
    if pd.api.types.is_datetime64_any_dtype(s):
        return pd.to_datetime(s, utc=True).dt.tz_localize(None)
    filled = present(s)
    txt = s.astype("string").str.strip().where(filled, None)
    digits = txt[filled]
    if pd.api.types.is_numeric_dtype(s) or (len(digits) and digits.str.fullmatch(r"\d+(\.0+)?").all()):
        num = pd.to_numeric(txt, errors="coerce")
        ymd = num.dropna()
        if len(ymd) and ymd.between(1000, 2999).all() and (ymd == ymd.round()).all():  # years: 2011
            ts = pd.to_datetime(num.astype("Int64").astype("string"), format="%Y", errors="coerce", utc=True)
        elif len(ymd) and ymd.between(1900_01_01, 2100_12_31).all():  # 20110909
            ts = pd.to_datetime(num.astype("Int64").astype("string"), format="%Y%m%d", errors="coerce", utc=True)
        else:  # Unix seconds, or milliseconds when the values are that large
            unit = "ms" if ymd.abs().max() > 1e11 else "s"
            ts = pd.to_datetime(num, unit=unit, errors="coerce", utc=True)
            ts = ts.where(ts.dt.year.between(1971, 2100))  # small integers are not times
    elif len(digits) and digits.str.fullmatch(r"\d{4}-?W\d{2}").all():  # ISO weeks: 2011-W01 is its Monday
        monday = txt.str.replace(r"^(\d{4})-?W(\d{2})$", r"\1-W\2-1", regex=True)
        ts = pd.to_datetime(monday, format="%G-W%V-%u", errors="coerce", utc=True)
    else:
        dmy = txt.str.extract(_DMY).dropna().astype(int)
        dayfirst = bool(len(dmy)) and bool((dmy[0] > 12).any()) and not bool((dmy[1] > 12).any())
        ts = pd.to_datetime(txt.astype(object).where(filled, None), errors="coerce", format="mixed",
                            utc=True, dayfirst=dayfirst)
    return ts.dt.tz_localize(None)
