"""Ingest one source into the warehouse: read, map, validate, quarantine, de-duplicate, upsert.

>>> report = ingest_file("orders.csv", warehouse, table="orders")     # doctest: +SKIP
>>> report.rows_read == report.rows_loaded + report.rows_quarantined  # doctest: +SKIP
True
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from growthpilot.errors import ValidationError
from growthpilot.ingest.adapters import Adapter, get_adapter
from growthpilot.ingest.mapping import TableMapping, identity_mapping, load_mapping
from growthpilot.ingest.personal import PERSONAL_COLUMNS, Protector, pseudonymise_clean
from growthpilot.ingest.sources import ROW_COL, Source, detect_format, open_source, rejects_table
from growthpilot.ingest.upsert import upsert
from growthpilot.warehouse import Warehouse, contracts

Progress = Callable[[str], None]
# DuckDB errors about the machine, not the input: never reported as a malformed file
_NOT_INPUT_ERRORS = (duckdb.OutOfMemoryException, duckdb.InterruptException, duckdb.IOException,
                     duckdb.InternalException)


@dataclass
class IngestReport:
    """What an ingest did. ``rows_read == rows_loaded + rows_quarantined`` always holds."""

    source: str
    table: str
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    quarantined_by_reason: dict[str, int] = field(default_factory=dict)
    rows_new: int = 0
    tables_changed: dict[str, int] = field(default_factory=dict)
    examples: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


def ingest_file(
    path: str | Path,
    warehouse: Warehouse,
    *,
    adapter: str | Adapter | None = None,
    mapping: str | Path | TableMapping | None = None,
    table: str | None = None,
    format: str | None = None,
    delimiter: str | None = None,
    encoding: str | None = None,
    source_table: str | None = None,
    run_id: str | None = None,
    protect_personal: Protector | None = None,
    on_progress: Progress | None = None,
) -> IngestReport:
    """Ingest a file (CSV, Parquet, JSON Lines; ``.gz`` allowed) or, with ``source_table``, a
    database table (``path`` is then its URL) into ``warehouse``.

    Give an ``adapter`` name (``online_retail``, ``instacart``), a ``mapping`` file, or a
    target ``table`` whose columns the input already names. Personal fields of customers are
    pseudonymised by ``protect_personal`` (see :mod:`growthpilot.ingest.personal`).
    """
    step = on_progress or (lambda _msg: None)
    if source_table is None:
        src_path = str(Path(path).expanduser().resolve())
        if Path(src_path).is_dir():
            raise ValidationError("the input is a folder", file=src_path,
                                  expected="one file per ingest: run growthpilot ingest once for each file in it")
        source = Source(src_path, format or detect_format(src_path), delimiter, encoding)
    else:
        source = Source(str(path), "table", table=source_table)
    adp = get_adapter(adapter) if isinstance(adapter, str) else adapter
    run_id = run_id or f"ingest-{uuid.uuid4().hex[:10]}"
    native = warehouse.backend == "duckdb"
    con: duckdb.DuckDBPyConnection = warehouse.con.con if native else duckdb.connect()
    tag = uuid.uuid4().hex[:8]
    scratch: list[str] = []  # temporary files (transcoded inputs), removed at the end
    v_src, v_prep, t_staged, v_clean = (f"_gp_src_{tag}", f"_gp_prep_{tag}", f"_gp_staged_{tag}", f"_gp_clean_{tag}")
    try:
        from growthpilot.ingest.validate import stage

        for attempt in (source, replace(source, parallel=False)):
            step(f"reading {source.label}")
            repeated: dict[str, list[str]] = {}
            cols = open_source(con, attempt, v_src, scratch, repeated)
            view = v_src
            if adp is not None and adp.prepare is not None:
                con.execute(f"CREATE OR REPLACE TEMP VIEW {v_prep} AS {adp.prepare(v_src)}")
                view = v_prep
                cols = [c for c in (r[0] for r in con.execute(f"DESCRIBE {v_prep}").fetchall()) if c != ROW_COL]
            tm = _resolve_mapping(adp, mapping, table, cols, source.label)
            _check_sources(tm, cols, source.label, repeated)
            step(f"validating {source.label} -> {tm.table}")
            personal = PERSONAL_COLUMNS.get(tm.table, ())
            redact = frozenset({s.source for c, s in tm.columns.items() if c in personal and s.source is not None}
                               | {c for c in cols if c.strip().lower() in personal})
            try:
                stage(con, tm, view, cols, t_staged, personal=personal, redact=redact,
                      rejects=rejects_table(v_src) if source.format == "csv" else None)
                break
            except (duckdb.BinderException, duckdb.ParserException, duckdb.CatalogException) as exc:
                exprs = {c: s.expr for c, s in tm.columns.items() if s.expr is not None}
                if not exprs:
                    raise
                raise ValidationError(f"an expression of the mapping cannot run: {exc}", file=source.label,
                                      value=exprs, expected="DuckDB SQL over the input's columns, "
                                      f"which are {cols}") from exc
            except duckdb.Error as exc:
                if isinstance(exc, _NOT_INPUT_ERRORS):
                    raise
                # DuckDB's parallel CSV scanner refuses quoted fields that span lines: read serially
                if attempt.parallel and source.format == "csv" and "parallel=false" in str(exc):
                    continue
                raise ValidationError(f"cannot read input: {exc}", file=source.label,
                                      expected=f"a well-formed {source.format} file") from exc
        report = _count(con, t_staged, source.label, tm.table)
        contract = tm.contract
        clean_cols = ", ".join([*contract.columns, *tm.extras])
        con.execute(f"CREATE OR REPLACE TEMP VIEW {v_clean} AS SELECT {clean_cols} FROM {t_staged} WHERE _reason IS NULL")
        clean = pseudonymise_clean(con, v_clean, tm.table, protect_personal)
        step(f"loading {report.rows_loaded:,} rows into {tm.table}")
        unique = set(contract.keys) <= set(tm.dedup_columns())  # staging kept one row per key
        n = upsert(con, warehouse, tm.table, f"SELECT {', '.join(contract.columns)} FROM {clean}", unique=unique)
        report.rows_new = n
        report.tables_changed[tm.table] = n
        for d in (adp.derived if adp is not None else ()):
            step(f"deriving {d.table}")
            sql = d.sql.replace("FROM clean", f"FROM {clean}")
            dc = contracts.get(d.table)
            got = [r[0] for r in con.execute(f"DESCRIBE {sql}").fetchall()]
            select = ", ".join(c if c in got else f"NULL AS {c}" for c in dc.columns)
            report.tables_changed[d.table] = upsert(con, warehouse, d.table, f"SELECT {select} FROM ({sql})")
        step("writing quarantine")
        report.tables_changed["quarantine"] = _quarantine(con, warehouse, t_staged, tm.table, source.label, run_id)
        return report
    finally:
        for obj, kind in ((v_clean, "VIEW"), (t_staged, "TABLE"), (v_prep, "VIEW"), (v_src, "VIEW"),
                          (rejects_table(v_src), "TABLE"), (rejects_table(v_src) + "_scan", "TABLE")):
            try:
                con.execute(f"DROP {kind} IF EXISTS {obj}")
            except duckdb.Error:
                pass
        if not native:
            con.close()
        for d in scratch:
            shutil.rmtree(d, ignore_errors=True)


def _resolve_mapping(adp: Adapter | None, mapping, table: str | None, cols: list[str], label: str) -> TableMapping:
    if adp is not None:
        return adp.mapping
    if mapping is not None:
        tm = mapping if isinstance(mapping, TableMapping) else load_mapping(mapping)
        if table is not None and table != tm.table:
            raise ValidationError(f"the mapping loads table {tm.table!r} but --table says {table!r}", file=label,
                                  expected="--table left out, or the table the mapping names")
        return tm
    if table is None:
        raise ValidationError("say what the input is", file=label,
                              expected="--adapter NAME, --mapping FILE or --table NAME")
    return identity_mapping(table, cols)


def _check_sources(tm: TableMapping, cols: list[str], label: str, repeated: dict[str, list[str]] | None = None) -> None:
    missing = [(t, s.source) for t, s in tm.columns.items() if s.source is not None and s.source not in cols]
    missing += [(t, s) for t, s in tm.extras.items() if s not in cols]
    if missing:
        target, src = missing[0]
        raise ValidationError(f"the input has no column {src!r} (mapped to {target})", file=label, column=src,
                              expected=f"one of the input's columns: {cols}")
    used = {s.source for s in tm.columns.values() if s.source is not None} | set(tm.extras.values())
    for name, copies in (repeated or {}).items():
        if used & set(copies):
            raise ValidationError(
                f"the header names column {name!r} {len(copies)} times, so it is unclear which one to load",
                file=label, column=name, expected="one column per name: rename or drop the other copies")
    derived = tm.derived()
    absent = [c for c in tm.contract.required if c not in tm.columns and c not in derived]
    if absent:
        raise ValidationError(
            f"the input has no column for required {', '.join(repr(c) for c in absent)} of table {tm.table!r}",
            file=label, column=absent[0],
            expected=f"a column named {absent[0]!r} (the input has {cols}), or a --mapping file that maps it")


def _count(con: duckdb.DuckDBPyConnection, staged: str, label: str, table: str) -> IngestReport:
    rows = con.execute(f"SELECT _reason, count(*) FROM {staged} GROUP BY ALL ORDER BY 2 DESC").fetchall()
    by_reason = {r: int(n) for r, n in rows if r is not None}
    read = sum(int(n) for _, n in rows)
    q = sum(by_reason.values())
    examples = [
        f"{label} row {r}: column {c} value {v!r}: {reason}, expected {e}"
        for r, c, v, reason, e in con.execute(
            f"SELECT {ROW_COL}, _column, _value, _reason, _expected FROM {staged} "
            f"WHERE _reason IS NOT NULL ORDER BY {ROW_COL} LIMIT 5").fetchall()
    ]
    return IngestReport(label, table, read, read - q, q, by_reason, examples=examples)


def _quarantine(con, warehouse: Warehouse, staged: str, table: str, label: str, run_id: str) -> int:
    now = datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ")
    lit = "'" + label.replace("'", "''") + "'"
    sql = (f"SELECT '{run_id}' AS run_id, '{table}' AS target_table, {lit} AS source, {ROW_COL} AS row_number, "
           f"_column AS column_name, _value AS value, _reason AS reason, _expected AS expected, _raw AS raw, "
           f"TIMESTAMP '{now}' AS ingested_at FROM {staged} WHERE _reason IS NOT NULL")
    # run_id and ingested_at differ between runs: compare only what the row says
    return upsert(con, warehouse, "quarantine", sql, ignore=("run_id", "ingested_at"), unique=True)
