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
    parallel: bool = True  # DuckDB's parallel CSV scanner; off for quoted fields spanning lines

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
    if name.endswith((".xlsx", ".xlsm", ".xls", ".ods")):
        raise ValidationError("spreadsheet workbooks are not read directly", file=str(path),
                              expected="the sheet saved as CSV (File > Save As > CSV UTF-8) or Parquet")
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
    con: duckdb.DuckDBPyConnection, source: Source, view: str, scratch: list[str] | None = None,
    repeated: dict[str, list[str]] | None = None,
) -> list[str]:
    """Create view ``view`` over ``source`` (all text columns plus ``_row``); return the source columns.

    A file that is not UTF-8 is transcoded into a temporary folder, appended to ``scratch`` so the
    caller can remove it once the view is no longer needed. A CSV header that names a column more than
    once is read with DuckDB's renaming (``x``, ``x_1``); ``repeated`` then receives ``{"x": ["x", "x_1"]}``.
    """
    path = source.path
    if source.table is not None:
        return _open_database_table(con, source, view)
    if not Path(path).exists():
        raise ValidationError("input file not found", file=path, expected="an existing file")
    if _is_empty(path):
        raise ValidationError("the input file is empty (no header, no rows)", file=path,
                              expected="a file with a header line naming its columns")
    if source.format == "csv":
        enc = source.encoding or detect_encoding(path)
        try:
            codecs.lookup(enc)
        except LookupError:
            raise ValidationError("unknown text encoding", file=path, value=enc,
                                  expected="a Python codec name such as utf-8, latin-1, cp1252 or utf-16") from None
        if enc.lower().replace("_", "-") not in ("utf-8", "utf8"):
            tmpdir = tempfile.mkdtemp(prefix="gp-ingest-")
            if scratch is not None:
                scratch.append(tmpdir)
            path = _transcode_to_utf8(path, enc, tmpdir)
        # strict: a line with more or fewer fields than the header is not padded or cut but set aside in
        # the rejects table (``rejects_table(view)``), to be quarantined with its line (validate.add_rejects)
        opts = ["header=true", "all_varchar=true", "null_padding=false", "strict_mode=true", "store_rejects=true",
                f"rejects_table={sql_literal(rejects_table(view))}",
                f"rejects_scan={sql_literal(rejects_table(view) + '_scan')}", "max_line_size=10485760"]
        if source.delimiter:
            opts.append(f"delim={sql_literal(source.delimiter)}")
        if not source.parallel:
            opts.append("parallel=false")
        rel = f"read_csv({sql_literal(path)}, {', '.join(opts)})"
    elif source.format == "parquet":
        rel = f"read_parquet({sql_literal(path)})"
    elif source.format == "jsonl":
        rel = f"read_json({sql_literal(path)}, format='newline_delimited', records=true)"
    else:
        raise ValidationError("unknown input format", file=path, value=source.format, expected=", ".join(FORMATS))
    try:
        described = con.execute(f"DESCRIBE SELECT * FROM {rel}").fetchall()
    except duckdb.Error as exc:
        raise ValidationError(f"cannot read input: {exc}", file=source.path,
                              expected=f"a readable {source.format} file") from exc
    cols = [r[0] for r in described]
    if source.format == "csv" and repeated is not None:
        repeated.update(_repeated_names(con, source, path, cols))
    text_cols = ", ".join(f"{_as_text(_ident(c), typ)} AS {_ident(c)}" for c, typ, *_ in described)
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW {view} AS "
        f"SELECT {text_cols}, CAST(row_number() OVER () AS BIGINT) AS {ROW_COL} FROM {rel}"
    )
    return cols


def rejects_table(view: str) -> str:
    """Name of the table where DuckDB puts the CSV lines of ``view``'s file it could not read as rows."""
    return f"{view}_rejects"


def _as_text(col: str, typ: str) -> str:
    """SQL for a column's value as text. JSON Lines columns whose values mix types (2 and "2") come back as
    JSON: the scalar's text (2, not the quoted "2"); nested values (objects, lists) as JSON text, not DuckDB's
    own rendering (``{'page': home}``)."""
    if typ == "JSON":
        return f"CASE WHEN json_type({col}) IN ('OBJECT', 'ARRAY') THEN CAST({col} AS VARCHAR) ELSE {col} ->> '$' END"
    if typ.startswith(("STRUCT", "MAP", "UNION")) or typ.endswith("]"):
        return f"CAST(to_json({col}) AS VARCHAR)"
    return f"CAST({col} AS VARCHAR)"


def _is_empty(path: str) -> bool:
    """True when a file holds nothing but whitespace (or a byte-order mark), gzipped or not."""
    if path.endswith(".gz"):
        with gzip.open(path, "rb") as fh:
            head = fh.read(4096)
    elif Path(path).stat().st_size > 4096:
        return False
    else:
        head = Path(path).read_bytes()
    for bom in (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        head = head.removeprefix(bom)
    return not head.strip(b" \t\r\n\x00")


def _repeated_names(con: duckdb.DuckDBPyConnection, source: Source, path: str, cols: list[str]) -> dict[str, list[str]]:
    """Names the CSV header repeats, each with the columns DuckDB made of it (``x`` -> ``x``, ``x_1``)."""
    if not any(c.rpartition("_")[2].isdigit() for c in cols):  # DuckDB renamed nothing
        return {}
    opts = "header=false, all_varchar=true, null_padding=true, strict_mode=false, max_line_size=10485760"
    if source.delimiter:
        opts += f", delim={sql_literal(source.delimiter)}"
    try:
        row = con.execute(f"SELECT * FROM read_csv({sql_literal(path)}, {opts}) LIMIT 1").fetchone()
    except duckdb.Error:
        return {}
    raw = [str(v) if v is not None else None for v in row or ()]
    if len(raw) != len(cols):
        return {}
    out: dict[str, list[str]] = {}
    for name, col in zip(raw, cols, strict=True):
        if name is not None and raw.count(name) > 1:
            out.setdefault(name, []).append(col)
    return out


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
