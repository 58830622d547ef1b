"""Type, check and de-duplicate mapped rows in DuckDB; split them into clean rows and rejects.

Each rejected row keeps its source row number, the column and value at fault, the reason
and what was expected, and the whole source row as JSON, so nothing is lost silently.
"""

from __future__ import annotations

import duckdb

from growthpilot.ingest.mapping import TableMapping
from growthpilot.ingest.sources import ROW_COL, sql_literal

SQL_TYPES = {
    "string": "VARCHAR", "int64": "BIGINT", "int32": "INTEGER", "float64": "DOUBLE",
    "boolean": "BOOLEAN", "timestamp": "TIMESTAMP", "date": "DATE",
}
EXPECTED = {
    "int64": "an integer", "int32": "an integer", "float64": "a number", "boolean": "true/false",
    "timestamp": "a date-time such as 2024-03-01 14:30:00", "date": "a date such as 2024-03-01",
}
# How to load values of another layout, added to ``EXPECTED`` when the column is read as it is
HINTS = {
    "float64": "; for decimal commas or currency signs map the column with an expr in a --mapping file",
    "timestamp": "; for other layouts such as 25/12/2023 14:05 give its format in a --mapping file",
    "date": "; for other layouts such as 25/12/2023 give its format in a --mapping file",
}
_TZ = r"'(Z|[+-][0-9]{2}(:?[0-9]{2})?)$'"


def _typed(txt: str, typ: str, fmt: str | None) -> str:
    t = f"NULLIF(trim({txt}), '')"
    if typ == "string":
        return t
    if typ in ("float64",):
        return f"TRY_CAST({t} AS DOUBLE)"
    if typ in ("int64", "int32"):
        d = f"TRY_CAST({t} AS DOUBLE)"
        return f"CASE WHEN {d} = floor({d}) THEN TRY_CAST({d} AS {SQL_TYPES[typ]}) END"
    if typ == "boolean":
        low = f"lower({t})"
        return (f"CASE WHEN {low} IN ('yes','y') THEN true WHEN {low} IN ('no','n') THEN false "
                f"ELSE TRY_CAST({low} AS BOOLEAN) END")
    if typ in ("timestamp", "date"):
        if fmt:
            ts = f"try_strptime({t}, '{fmt}')"
        else:
            ts = (f"CASE WHEN regexp_matches({t}, {_TZ}) THEN timezone('UTC', TRY_CAST({t} AS TIMESTAMPTZ)) "
                  f"ELSE TRY_CAST({t} AS TIMESTAMP) END")
        return ts if typ == "timestamp" else f"CAST({ts} AS DATE)"
    raise ValueError(f"unsupported type {typ}")


def _case(checks: list[tuple[str, str, str, str, str]], i: int, *, quote: bool) -> str:
    if not checks:
        return "CAST(NULL AS VARCHAR)"
    whens = " ".join(f"WHEN {c[0]} THEN {sql_literal(c[i]) if quote else c[i]}" for c in checks)
    return f"CAST(CASE {whens} END AS VARCHAR)"


REDACTED = "[personal value not stored]"


def stage(
    con: duckdb.DuckDBPyConnection, mapping: TableMapping, source_view: str, source_cols: list[str], out: str,
    *, personal: tuple[str, ...] = (), redact: frozenset[str] = frozenset(), rejects: str | None = None,
) -> None:
    """Materialise ``out``: typed contract columns plus ``_row``, ``_reason``, ``_column``, ``_value``,
    ``_expected`` and ``_raw`` (the source row as JSON, filled only for rejected rows).

    Personal values never reach the quarantine in clear: source columns in ``redact`` and contract columns
    in ``personal`` are written as :data:`REDACTED` in ``_raw`` and ``_value`` (the file and row point to them).
    ``rejects``: DuckDB's table of the CSV lines it could not read as rows (:func:`add_rejects`)."""
    contract = mapping.contract
    derived = mapping.derived()
    src_alias = {c: f"_src_{i}" for i, c in enumerate(source_cols)}
    texts = [f"{spec.text_sql()} AS {col}__txt" for col, spec in mapping.columns.items()]
    passthrough = [f'"{c.replace(chr(34), chr(34) * 2)}" AS {a}' for c, a in src_alias.items()]
    extras = [f'CAST("{src}" AS VARCHAR) AS {name}' for name, src in mapping.extras.items()]
    base = f"SELECT {', '.join([ROW_COL, *texts, *extras, *passthrough])} FROM {source_view}"

    typed, checks = [], []
    for col, typ in contract.columns.items():
        spec = mapping.columns.get(col)
        if spec is None:
            typed.append(f"CAST(NULL AS {SQL_TYPES[typ]}) AS {col}")
            continue
        typed.append(f"{_typed(col + '__txt', typ, spec.format)} AS {col}")
        if typ != "string":
            fmt = f" in format {spec.format}" if spec.format else ""
            hint = HINTS.get(typ, "") if spec.format is None and spec.expr is None else ""
            checks.append((f"({col}__txt IS NOT NULL AND trim({col}__txt) <> '' AND {col} IS NULL)",
                           f"invalid {typ}", col, f"{col}__txt", EXPECTED[typ] + fmt + hint))
        if typ in ("timestamp", "date"):
            checks.append((f"(year({col}) < 1900 OR year({col}) > 2200)",
                           f"implausible {typ}", col, f"{col}__txt", "a year between 1900 and 2200" + (
                               "; for two-digit years (25/12/23) give its format (%d/%m/%y) in a --mapping file"
                               if spec.format is None and spec.expr is None else "")))
    for col in contract.required:
        checks.append((f"({col} IS NULL)", "missing required value", col, "NULL", f"a value in required column {col}"))
    for r in mapping.rules:
        checks.append((f"coalesce({r.bad_when}, false)", r.reason, r.column, f"CAST({r.column} AS VARCHAR)", r.expected))

    carried = [ROW_COL, *[f"{c}__txt" for c in mapping.columns], *mapping.extras, *src_alias.values()]
    typed_sql = f"SELECT {', '.join(carried + typed)} FROM ({base})"
    final = [f"COALESCE({c}, {derived[c]}) AS {c}" if c in derived else c for c in contract.columns]
    derived_sql = f"SELECT {', '.join(carried + final)} FROM ({typed_sql})"
    checked = (f"SELECT *, {_case(checks, 1, quote=True)} AS _reason, {_case(checks, 2, quote=True)} AS _column, "
               f"{_case(checks, 3, quote=False)} AS _value, {_case(checks, 4, quote=True)} AS _expected "
               f"FROM ({derived_sql})")
    raw = {c: _redacted(a) if c in redact else a for c, a in src_alias.items()}
    value = (f"CASE WHEN _column IN ({', '.join(sql_literal(c) for c in personal)}) THEN {_redacted('_value')} "
             "ELSE _value END") if personal else "_value"
    narrow = [ROW_COL, *contract.columns, *mapping.extras, "_reason", "_column", f"{value} AS _value", "_expected",
              f"CASE WHEN _reason IS NOT NULL THEN CAST({_json(raw)} AS VARCHAR) END AS _raw"]
    con.execute(f"CREATE OR REPLACE TEMP TABLE {out} AS SELECT {', '.join(narrow)} FROM ({checked})")
    if rejects is not None:
        add_rejects(con, out, rejects, hide=bool(personal or redact))
    _mark_duplicates(con, out, mapping, personal)


_REJECT_REASONS = {"TOO MANY COLUMNS": "too many fields", "MISSING COLUMNS": "too few fields"}


def add_rejects(con: duckdb.DuckDBPyConnection, staged: str, rejects: str, *, hide: bool = False) -> int:
    """Quarantine the CSV lines DuckDB set aside (more or fewer fields than the header, broken quoting) as
    rows of ``staged``, and renumber the rows read after them so every ``_row`` is the line's place in the
    file (line - 1, the header being line 1). ``hide``: the table holds personal data, so the line itself is
    not stored (the file and row point to it). Returns how many lines were set aside."""
    exists = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [rejects]).fetchone()[0]
    if not exists:
        return 0
    lines = f"{staged}_rejected"  # one row per line (a scan read twice records its rejects twice)
    con.execute(f"""CREATE OR REPLACE TEMP TABLE {lines} AS
        SELECT line - 1 AS r, min(error_type) AS error_type, min(column_name) AS column_name,
               min(csv_line) AS csv_line, min(error_message) AS error_message
        FROM {rejects} GROUP BY line""")
    n = con.execute(f"SELECT count(*) FROM {lines}").fetchone()[0]
    if n:
        # the k-th row read comes after the j-th set-aside line (data row r_j) when k > r_j - j
        con.execute(f"""UPDATE {staged} SET {ROW_COL} = {ROW_COL} + (
            SELECT count(*) FROM (SELECT r - row_number() OVER (ORDER BY r) AS before FROM {lines}) p
            WHERE p.before < {staged}.{ROW_COL})""")
    reason = "CASE error_type " + " ".join(f"WHEN {sql_literal(k)} THEN {sql_literal(v)}"
                                           for k, v in _REJECT_REASONS.items()) + " ELSE 'unreadable line' END"
    line = sql_literal(REDACTED) if hide else "csv_line"
    con.execute(f"""INSERT INTO {staged} ({ROW_COL}, _reason, _column, _value, _expected, _raw)
        SELECT r, {reason}, coalesce(column_name, ''), {line},
               'a line with as many fields as the header (' || error_message || ')',
               CAST(to_json({{'line': {line}}}) AS VARCHAR)
        FROM {lines}""")
    con.execute(f"DROP TABLE {lines}")
    return int(n)


def _redacted(expr: str) -> str:
    return f"CASE WHEN {expr} IS NOT NULL THEN {sql_literal(REDACTED)} END"


def _json(columns: dict[str, str]) -> str:
    return "to_json({" + ", ".join(f"{sql_literal(name)}: {expr}" for name, expr in columns.items()) + "})"


def _mark_duplicates(
    con: duckdb.DuckDBPyConnection, table: str, mapping: TableMapping, personal: tuple[str, ...] = ()
) -> None:
    """Among rows that passed the checks, keep the first of each de-duplication key; mark the rest.

    A grouped count finds the (usually few) duplicated keys; only their later copies are updated.
    """
    dedup = mapping.dedup_columns()
    keys = ", ".join(dedup)
    dups = f"{table}_dups"
    con.execute(f"""CREATE OR REPLACE TEMP TABLE {dups} AS
        SELECT {keys}, min({ROW_COL}) AS _first FROM {table} WHERE _reason IS NULL
        GROUP BY ALL HAVING count(*) > 1""")
    try:
        if not con.execute(f"SELECT count(*) FROM {dups}").fetchone()[0]:
            return
        on = " AND ".join(f"{table}.{c} IS NOT DISTINCT FROM d.{c}" for c in dedup)
        # duplicates passed every check, so their typed values are the source row
        typed = _json({c: _redacted(f"{table}.{c}") if c in personal else f"{table}.{c}"
                       for c in mapping.contract.columns})
        con.execute(f"""UPDATE {table} SET _reason = 'duplicate row', _column = {sql_literal(', '.join(dedup))},
                _value = 'same as row ' || d._first, _expected = {sql_literal('one row per ' + ', '.join(dedup))},
                _raw = CAST({typed} AS VARCHAR)
            FROM {dups} d WHERE {table}._reason IS NULL AND {on} AND {table}.{ROW_COL} > d._first""")
    finally:
        con.execute(f"DROP TABLE IF EXISTS {dups}")
