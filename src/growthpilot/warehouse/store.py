"""The :class:`Warehouse`: read and write canonical tables on any Ibis backend.

Writes are idempotent: ``upsert`` compares incoming rows with what is stored and
only rewrites the table when something changed, reporting how many rows were new
or changed (``rows_new``).
"""

from __future__ import annotations

import contextlib
import uuid
from dataclasses import dataclass
from typing import Literal

import ibis
import ibis.expr.datatypes as dt
import pandas as pd

from growthpilot.errors import SchemaError, UnknownTableError, WarehouseError
from growthpilot.warehouse import contracts
from growthpilot.warehouse.connect import connect

WriteMode = Literal["replace", "append", "upsert"]


@dataclass(frozen=True)
class WriteResult:
    """What a write did: rows given, rows that changed the table, rows now stored."""

    table: str
    rows_given: int
    rows_new: int
    rows_total: int


class Warehouse:
    """Tables in, tables out, on DuckDB, PostgreSQL or Spark.

    >>> wh = Warehouse.from_url("duckdb://")
    >>> wh.write("products", pd.DataFrame({"product_id": ["p1"], "price": [9.5]})).rows_new
    1
    >>> wh.read("products")["price"].tolist()
    [9.5]
    """

    def __init__(self, con: ibis.BaseBackend, url: str = "") -> None:
        self.con = con
        self.url = url

    @classmethod
    def from_url(cls, url: str) -> Warehouse:
        return cls(connect(url), url)

    @property
    def backend(self) -> str:
        """Engine name: ``duckdb``, ``postgres`` or ``pyspark``."""
        return self.con.name

    # --- reading ---------------------------------------------------------------------
    def tables(self) -> list[str]:
        return sorted(self.con.list_tables())

    def has_table(self, name: str) -> bool:
        return name in self.con.list_tables()

    def table(self, name: str) -> ibis.Table:
        """An Ibis expression over ``name``; raises :class:`UnknownTableError` if absent."""
        if not self.has_table(name):
            raise UnknownTableError(
                f"table {name!r} is not in the warehouse {self.url or self.backend}; "
                f"it has: {', '.join(self.tables()) or 'no tables'}"
                + (f"; load it first: growthpilot ingest PATH --table {name} (or --adapter / --mapping), "
                   "or growthpilot simulate for a demo shop" if name in contracts.INPUT_TABLES else "")
            )
        return self.con.table(name)

    def read(self, name_or_expr: str | ibis.Table) -> pd.DataFrame:
        """Execute to pandas. Timestamps come back naive UTC on every engine."""
        expr = self.table(name_or_expr) if isinstance(name_or_expr, str) else name_or_expr
        df = self.con.execute(expr)
        for col in df.columns:
            if isinstance(df[col].dtype, pd.DatetimeTZDtype):
                df[col] = df[col].dt.tz_convert("UTC").dt.tz_localize(None)
        return df

    def count(self, name: str) -> int:
        return int(self.table(name).count().execute()) if self.has_table(name) else 0

    # --- writing ---------------------------------------------------------------------
    def write(
        self,
        name: str,
        df: pd.DataFrame,
        *,
        mode: WriteMode = "upsert",
        keys: tuple[str, ...] | None = None,
        conform: bool = True,
        compare_ignore: tuple[str, ...] = (),
    ) -> WriteResult:
        """Write ``df`` to table ``name``.

        ``replace`` overwrites; ``append`` adds rows as they are; ``upsert`` (default) inserts
        new keys and replaces changed rows, so writing the same frame twice changes nothing.
        With ``conform``, a registered contract fixes column order and types. Columns in
        ``compare_ignore`` (a run id, a load time) are stored but do not make a row "changed".
        """
        contract = contracts.all_contracts().get(name)
        if conform and contract is not None:
            df = contract.conform(df, strict=False)
            keys = keys or contract.keys
        if mode == "upsert" and not keys:
            raise SchemaError(f"upsert into {name!r} needs key columns; pass keys=(...)")
        exists = self.has_table(name)
        self._memtables: list[str] = []
        try:
            if not exists or mode == "replace":
                self._create(name, df, contract.schema if conform and contract is not None else None)
                return WriteResult(name, len(df), len(df), len(df))
            self._add_missing_columns(name, df, contract.schema if conform and contract is not None else None)
            if mode == "append":
                self.con.insert(name, self._frame_for(df, self.table(name).schema()))
                return WriteResult(name, len(df), len(df), self.count(name))
            return self._upsert(name, df, tuple(keys or ()), compare_ignore)
        except (SchemaError, UnknownTableError):
            raise
        except Exception as exc:
            raise WarehouseError(f"writing table {name!r} on {self.backend} failed: {exc}") from exc
        finally:
            self._release_memtables()

    def _memtable(self, df: pd.DataFrame, schema: ibis.Schema | None) -> ibis.Table:
        t = typed_memtable(df, schema)
        self._memtables.append(t.op().name)
        return t

    def _release_memtables(self) -> None:
        """Ibis keeps a memtable registered until the process exits (DuckDB: in memory; PostgreSQL:
        a session temp table; Spark: a temp view); release ours so streaming writes stay bounded."""
        for name in getattr(self, "_memtables", ()):
            with contextlib.suppress(Exception):
                if self.backend == "duckdb":
                    self.con.con.unregister(name)
                    continue
                finalizer = self.con._make_memtable_finalizer(name)
                if finalizer is not None:
                    finalizer()
                else:
                    self.con.drop_table(name, force=True)
        self._memtables = []

    def _create(self, name: str, df: pd.DataFrame, schema: ibis.Schema | None) -> None:
        self.con.create_table(name, self._memtable(df, schema), overwrite=True)

    def _add_missing_columns(self, name: str, df: pd.DataFrame, schema: ibis.Schema | None) -> None:
        """Add to the stored table the columns ``df`` has and it lacks (null in the old rows).

        A table written by an older version keeps working when a contract gains a column,
        instead of the new column being dropped on every later append or upsert.
        """
        current = self.table(name)
        extra = [c for c in df.columns if c not in current.columns]
        if not extra:
            return
        types = typed_memtable(df[extra].head(0), schema).schema()
        widened = current.mutate(**{c: ibis.null().cast(types[c]) for c in extra})
        tmp = f"_widen_{name}_{uuid.uuid4().hex[:8]}"
        self.con.create_table(tmp, widened, overwrite=True)
        try:
            self.con.create_table(name, self.con.table(tmp), overwrite=True)
        finally:
            self.con.drop_table(tmp, force=True)

    def _upsert(self, name: str, df: pd.DataFrame, keys: tuple[str, ...], ignore: tuple[str, ...] = ()) -> WriteResult:
        current = self.table(name)
        incoming = df.drop_duplicates(subset=list(keys), keep="last")
        stage = f"_stage_{name}_{uuid.uuid4().hex[:8]}"
        self.con.create_table(stage, self._frame_for(incoming, current.schema()), overwrite=True)
        try:
            staged = self.con.table(stage).select(*current.columns)
            cmp = [c for c in current.columns if c not in ignore]
            changed = staged.select(*cmp).difference(current.select(*cmp), distinct=True)
            n_changed = int(changed.count().execute())
            if n_changed == 0:
                return WriteResult(name, len(df), 0, int(current.count().execute()))
            changed_rows = staged.semi_join(changed, list(keys))
            kept = current.anti_join(changed_rows, list(keys))
            merged = kept.union(changed_rows, distinct=False)
            tmp = f"_merge_{name}_{uuid.uuid4().hex[:8]}"
            self.con.create_table(tmp, merged, overwrite=True)
            self.con.create_table(name, self.con.table(tmp), overwrite=True)
            self.con.drop_table(tmp)
            return WriteResult(name, len(df), n_changed, self.count(name))
        finally:
            self.con.drop_table(stage, force=True)

    def _frame_for(self, df: pd.DataFrame, schema: ibis.Schema) -> ibis.Table:
        """``df`` as a memtable typed like the stored table, so inserts and set operations line up."""
        missing = [c for c in schema.names if c not in df.columns]
        if missing:
            raise SchemaError(f"rows lack column(s) {missing} of the stored table")
        return self._memtable(df[list(schema.names)], schema)

    def drop(self, name: str) -> None:
        self.con.drop_table(name, force=True)

    def close(self) -> None:
        disconnect = getattr(self.con, "disconnect", None)
        if disconnect is not None:
            disconnect()


def typed_memtable(df: pd.DataFrame, schema: ibis.Schema | None = None) -> ibis.Table:
    """An in-memory Ibis table with ``schema``'s types; untyped all-null columns become text."""
    inferred = ibis.memtable(df).schema()
    types = {c: (dt.string if t.is_null() else t) for c, t in inferred.items()}
    if schema is not None:
        types.update({c: t for c, t in schema.items() if c in types})
    return ibis.memtable(df, schema=ibis.schema(types))
