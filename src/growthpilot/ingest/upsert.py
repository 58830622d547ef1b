"""Idempotent upserts of staged rows into a warehouse table.

On DuckDB (the default) everything happens in SQL inside the warehouse connection; other
engines receive the rows through :meth:`Warehouse.write`. Either way only rows that are new
or changed are written, and their count is returned: ingesting the same file twice gives 0.
"""

from __future__ import annotations

import uuid

import duckdb

from growthpilot.ingest.validate import SQL_TYPES
from growthpilot.warehouse import Warehouse, contracts


def upsert(
    con: duckdb.DuckDBPyConnection, warehouse: Warehouse, table: str, select_sql: str,
    *, ignore: tuple[str, ...] = (), unique: bool = False,
) -> int:
    """Upsert the rows of ``select_sql`` (run on ``con``) into ``table``; return rows new or changed.

    Columns in ``ignore`` (such as a run id) are stored but not compared. With ``unique`` the
    caller guarantees one row per key, which saves a de-duplication pass.
    """
    contract = contracts.get(table)
    cols = list(contract.columns)
    if warehouse.backend != "duckdb" or warehouse.con.con is not con:
        df = con.execute(select_sql).df()
        return warehouse.write(table, df, mode="upsert", compare_ignore=ignore).rows_new
    keys = list(contract.keys)
    q = '"' + table + '"'
    ddl = ", ".join(f'"{c}" {SQL_TYPES[t]}' for c, t in contract.columns.items())
    con.execute(f"CREATE TABLE IF NOT EXISTS {q} ({ddl})")
    tag = uuid.uuid4().hex[:8]
    inc, chg = f"_gp_inc_{tag}", f"_gp_chg_{tag}"
    col_list = ", ".join(f'"{c}"' for c in cols)
    key_list = ", ".join(f'"{k}"' for k in keys)
    once = "" if unique else f" QUALIFY row_number() OVER (PARTITION BY {key_list}) = 1"
    try:
        if con.execute(f"SELECT count(*) FROM (SELECT 1 FROM {q} LIMIT 1)").fetchone()[0] == 0:
            con.execute(f"INSERT INTO {q} ({col_list}) SELECT {col_list} FROM ({select_sql}){once}")
            return int(con.execute(f"SELECT count(*) FROM {q}").fetchone()[0])
        con.execute(f"CREATE TEMP TABLE {inc} AS SELECT {col_list} FROM ({select_sql}){once}")
        cmp = ", ".join(f'"{c}"' for c in cols if c not in ignore)
        con.execute(f"""CREATE TEMP TABLE {chg} AS
            SELECT i.* FROM {inc} i SEMI JOIN (SELECT {cmp} FROM {inc} EXCEPT SELECT {cmp} FROM {q}) d
            USING ({key_list})""")
        n = int(con.execute(f"SELECT count(*) FROM {chg}").fetchone()[0])
        if n:
            on = " AND ".join(f'{q}."{k}" = {chg}."{k}"' for k in keys)
            con.execute("BEGIN TRANSACTION")
            try:
                con.execute(f"DELETE FROM {q} USING {chg} WHERE {on}")
                con.execute(f"INSERT INTO {q} ({col_list}) SELECT {col_list} FROM {chg}")
                con.execute("COMMIT")
            except Exception:
                con.execute("ROLLBACK")
                raise
        return n
    finally:
        con.execute(f"DROP TABLE IF EXISTS {inc}")
        con.execute(f"DROP TABLE IF EXISTS {chg}")
