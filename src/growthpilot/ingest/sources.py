"""Open any input as a DuckDB relation of text columns, with the source row number kept.

Every column is read as text so that nothing is lost or guessed at parse time; types are
checked later, row by row, by :mod:`growthpilot.ingest.validate`.
"""

from __future__ import annotations

import codecs
import gzip
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb

from growthpilot.errors import ValidationError

FORMATS = ("csv", "parquet", "jsonl")
ROW_COL = "_row"


@dataclass(frozen=True)
class Source:
    """Where rows come from: a file (csv, parquet, jsonl; optionally gzipped) or a database table."""

    path: str
    format: str
    delimiter: str | None = None
    encoding: str | None = None
    table: str | None = None  # for database sources: the table name; path is then the URL

    @property
    def label(self) -> str:
        return f"{self.path}#{self.table}" if self.table else self.path


def detect_format(path: str | Path) -> str:
    """csv / parquet / jsonl from the file name (``.gz`` allowed)."""
    name = str(path).lower().removesuffix(".gz")
    if name.endswith((".csv", ".tsv", ".txt")):
        return "csv"
    if name.endswith((".parquet", ".pq")):
        return "parquet"
    if name.endswith((".jsonl", ".ndjson", ".json")):
        return "jsonl"
    raise ValidationError(
        f"cannot tell the format of {path}", file=str(path),
        expected="a .csv, .tsv, .parquet, .jsonl or .json file (optionally .gz), or pass format=",
    )


def detect_encoding(path: str | Path, sample_bytes: int = 1 << 20) -> str:
    """'utf-8' when a sample decodes as UTF-8 (BOM allowed), else 'utf-16' for a UTF-16 BOM, else 'cp1252'."""
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rb") as fh:
        head = fh.read(sample_bytes)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start > len(head) - 4:  # a multi-byte character cut by the sample boundary
            return "utf-8"
        return "cp1252"


def _transcode_to_utf8(path: str, encoding: str, tmpdir: str) -> str:
    opener = gzip.open if path.endswith(".gz") else open
    out = os.path.join(tmpdir, Path(path).name.removesuffix(".gz") + ".utf8")
    with opener(path, "rb") as src, open(out, "w", encoding="utf-8", newline="") as dst:
        reader = codecs.getreader(encoding)(src, errors="replace")
        while chunk := reader.read(1 << 22):
            dst.write(chunk)
    return out


def open_source(
    con: duckdb.DuckDBPyConnection, source: Source, view: str, scratch: list[str] | None = None
) -> list[str]:
    """Create view ``view`` over ``source`` (all text columns plus ``_row``); return the source columns.

    A file that is not UTF-8 is transcoded into a temporary folder, appended to ``scratch`` so the
    caller can remove it once the view is no longer needed.
    """
    path = source.path
    if source.table is not None:
        return _open_database_table(con, source, view)
    if not Path(path).exists():
        raise ValidationError("input file not found", file=path, expected="an existing file")
    if source.format == "csv":
        enc = source.encoding or detect_encoding(path)
        if enc.lower().replace("_", "-") not in ("utf-8", "utf8"):
            tmpdir = tempfile.mkdtemp(prefix="gp-ingest-")
            if scratch is not None:
                scratch.append(tmpdir)
            path = _transcode_to_utf8(path, enc, tmpdir)
        opts = ["header=true", "all_varchar=true", "null_padding=true", "ignore_errors=false",
                "strict_mode=false", "max_line_size=10485760"]
        if source.delimiter:
            opts.append(f"delim={sql_literal(source.delimiter)}")
        rel = f"read_csv({sql_literal(path)}, {', '.join(opts)})"
    elif source.format == "parquet":
        rel = f"read_parquet({sql_literal(path)})"
    elif source.format == "jsonl":
        rel = f"read_json({sql_literal(path)}, format='newline_delimited', records=true)"
    else:
        raise ValidationError("unknown input format", file=path, value=source.format, expected=", ".join(FORMATS))
    try:
        cols = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {rel}").fetchall()]
    except duckdb.Error as exc:
        raise ValidationError(f"cannot read input: {exc}", file=source.path,
                              expected=f"a readable {source.format} file") from exc
    text_cols = ", ".join(f"CAST({_ident(c)} AS VARCHAR) AS {_ident(c)}" for c in cols)
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW {view} AS "
        f"SELECT {text_cols}, CAST(row_number() OVER () AS BIGINT) AS {ROW_COL} FROM {rel}"
    )
    return cols


def _open_database_table(con: duckdb.DuckDBPyConnection, source: Source, view: str) -> list[str]:
    from growthpilot.warehouse.connect import connect

    other = connect(source.path)
    try:
        arrow = other.table(source.table).to_pyarrow()
    finally:
        getattr(other, "disconnect", lambda: None)()
    con.register(f"{view}__arrow", arrow)
    cols = list(arrow.column_names)
    text_cols = ", ".join(f"CAST({_ident(c)} AS VARCHAR) AS {_ident(c)}" for c in cols)
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW {view} AS SELECT {text_cols}, "
        f"CAST(row_number() OVER () AS BIGINT) AS {ROW_COL} FROM {view}__arrow"
    )
    return cols


def sql_literal(s: str) -> str:
    return "'" + str(s).replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + str(name).replace('"', '""') + '"'
