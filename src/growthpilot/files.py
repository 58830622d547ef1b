"""Read a user's table file (benchmarks and CLI options that take ``--data PATH``)."""

from __future__ import annotations

import gzip
from pathlib import Path

import pandas as pd

from growthpilot.errors import DataError

TABLE_SUFFIXES = (".csv", ".tsv", ".txt", ".data", ".parquet", ".gz")


def _sniff_separator(p: Path) -> str | None:
    """``";"``, tab or ``"|"`` when a CSV file's header line has no comma but one of those (European
    exports); None otherwise."""
    try:
        with (gzip.open(p, "rt", errors="replace") if p.name.lower().endswith(".gz")
              else open(p, errors="replace")) as fh:
            header = fh.readline()
    except OSError:
        return None
    if "," in header:
        return None
    counts = {sep: header.count(sep) for sep in (";", "\t", "|")}
    best = max(counts, key=lambda k: counts[k])
    return best if counts[best] else None


def read_table(path: str | Path, *, sep: str | None = None, as_text: bool = False) -> pd.DataFrame:
    """CSV / TSV (optionally gzipped) or Parquet; a folder reads all its table files, one after another.

    ``sep`` None guesses from the extension (tab for ``.tsv`` and ``.data``) and, for a CSV whose header has
    no comma, from the header (``;``, tab or ``|``: European exports); ``"\\t"`` and ``"tab"``
    mean a tab. With ``as_text`` every CSV column stays text (ids keep leading zeros; empty = null).
    """
    p = Path(path)
    if not p.exists():
        raise DataError(f"{p} does not exist; pass a CSV, TSV or Parquet file (or a folder of them)")
    if p.is_dir():
        files = sorted(f for f in p.iterdir() if f.is_file() and f.suffix in TABLE_SUFFIXES
                       and not f.name.lower().startswith("readme"))
        if not files:
            raise DataError(f"no .csv, .tsv, .gz or .parquet file in the folder {p}")
        return pd.concat([read_table(f, sep=sep, as_text=as_text) for f in files], ignore_index=True)
    name = p.name.lower().removesuffix(".gz")
    if name.endswith((".parquet", ".pq")):
        return pd.read_parquet(p)
    if sep is None:
        sep = "\t" if name.endswith((".tsv", ".data")) else (_sniff_separator(p) or ",")
    sep = {"\\t": "\t", "tab": "\t"}.get(sep, sep)
    kwargs: dict = {"sep": sep, "encoding_errors": "replace"}
    if len(sep) > 1:
        kwargs["engine"] = "python"
    else:
        kwargs["low_memory"] = False
    if as_text:
        kwargs.update(dtype=str, keep_default_na=False, na_values=[""])
    return pd.read_csv(p, **kwargs)
