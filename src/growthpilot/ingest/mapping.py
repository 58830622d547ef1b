"""Column mappings: how a user's columns become a canonical table.

A mapping file (TOML or JSON) names the target table and, per canonical column, the source
column, a SQL expression over source columns (DuckDB dialect) or a constant; timestamps may
give a ``strptime`` format::

    table = "orders"
    [columns]
    order_id = "InvoiceNo"
    customer_id = "CustomerID"
    ts = { source = "InvoiceDate", format = "%m/%d/%Y %H:%M" }
    currency = { const = "GBP" }

Columns left unmapped are null, except a few the contract can derive (``amount`` from
quantity x unit_price, ``is_return`` from a negative quantity, ``line_no`` from the row's
position within its order).
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from growthpilot.errors import ValidationError
from growthpilot.warehouse import contracts


@dataclass(frozen=True)
class ColumnSpec:
    """Where one canonical column comes from: a source column, an expression or a constant."""

    source: str | None = None
    expr: str | None = None
    const: str | None = None
    format: str | None = None

    def text_sql(self) -> str:
        if self.expr is not None:
            return f"CAST(({self.expr}) AS VARCHAR)"
        if self.const is not None:
            return "'" + str(self.const).replace("'", "''") + "'"
        if self.source is not None:
            return '"' + self.source.replace('"', '""') + '"'
        return "CAST(NULL AS VARCHAR)"

    def describe(self) -> str:
        return self.source or self.expr or (f"constant {self.const!r}" if self.const is not None else "nothing")


@dataclass(frozen=True)
class Rule:
    """A domain check over typed columns: rows where ``bad_when`` holds are quarantined."""

    column: str
    bad_when: str
    reason: str
    expected: str


# Columns a contract can derive when the source does not give them (SQL over typed columns).
DERIVED: dict[str, dict[str, str]] = {
    "orders": {
        "amount": "quantity * unit_price",
        "is_return": "coalesce(quantity < 0, false)",
        "line_no": "row_number() OVER (PARTITION BY order_id ORDER BY _row)",
    },
    "events": {"event_id": "md5(concat_ws('|', customer_id, CAST(ts AS VARCHAR), event_type, product_id, campaign_id))"},
    "channel_spend": {"geo": "'all'"},
}

RULES: dict[str, tuple[Rule, ...]] = {
    "orders": (
        Rule("unit_price", "unit_price < 0", "negative unit_price", "a price >= 0"),
        Rule("quantity", "quantity = 0", "zero quantity", "a non-zero quantity"),
    ),
    "products": (Rule("price", "price < 0", "negative price", "a price >= 0"),),
    "reviews": (Rule("rating", "rating NOT BETWEEN 1 AND 5", "rating out of range", "an integer 1..5"),),
    "channel_spend": (Rule("spend", "spend < 0", "negative spend", "spend >= 0"),),
}


@dataclass(frozen=True)
class TableMapping:
    """How one source becomes one canonical table."""

    table: str
    columns: dict[str, ColumnSpec]
    dedup_on: tuple[str, ...] | None = None
    extras: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        contract = contracts.get(self.table)
        unknown = [c for c in self.columns if c not in contract.columns]
        if unknown:
            raise ValidationError(
                f"mapping names column(s) {unknown} that table {self.table!r} does not have",
                expected=f"some of {list(contract.columns)}",
            )

    @property
    def contract(self) -> contracts.TableContract:
        return contracts.get(self.table)

    @property
    def rules(self) -> tuple[Rule, ...]:
        return RULES.get(self.table, ())

    def derived(self) -> dict[str, str]:
        return {c: e for c, e in DERIVED.get(self.table, {}).items() if c not in self.columns}

    def dedup_columns(self) -> tuple[str, ...]:
        return self.dedup_on or self.contract.keys


def identity_mapping(table: str, source_columns: list[str]) -> TableMapping:
    """Map source columns that already carry canonical names (case-insensitive)."""
    contract = contracts.get(table)
    by_lower = {c.lower(): c for c in source_columns}
    cols = {c: ColumnSpec(source=by_lower[c.lower()]) for c in contract.columns if c.lower() in by_lower}
    if not cols:
        raise ValidationError(
            f"no column of the input matches table {table!r}",
            value=source_columns, expected=f"columns named like {list(contract.columns)} or a --mapping file",
        )
    return TableMapping(table, cols)


def load_mapping(path: str | Path) -> TableMapping:
    """Read a mapping from a TOML or JSON file."""
    p = Path(path)
    if not p.exists():
        raise ValidationError("mapping file not found", file=str(p), expected="a .toml or .json mapping file")
    try:
        raw = tomllib.loads(p.read_text()) if p.suffix == ".toml" else json.loads(p.read_text())
    except (tomllib.TOMLDecodeError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        kind = "TOML" if p.suffix == ".toml" else "JSON"
        raise ValidationError(f"the mapping file is not valid {kind}: {exc}", file=str(p),
                              expected=f'{kind} such as table = "orders" and a [columns] section (docs/ingest.md)'
                              if kind == "TOML" else '{"table": "orders", "columns": {...}}') from None
    if not isinstance(raw, dict):
        raise ValidationError("the mapping file must hold one object", file=str(p),
                              expected='{"table": "orders", "columns": {...}}')
    if "table" not in raw or "columns" not in raw:
        raise ValidationError("mapping file needs 'table' and 'columns'", file=str(p),
                              expected='table = "orders" and a [columns] section')
    cols: dict[str, ColumnSpec] = {}
    for target, spec in raw["columns"].items():
        if isinstance(spec, str):
            cols[target] = ColumnSpec(source=spec)
        elif isinstance(spec, dict):
            unknown = set(spec) - {"source", "expr", "const", "format"}
            if unknown:
                raise ValidationError(f"unknown key(s) {sorted(unknown)} for column {target!r}", file=str(p),
                                      expected="source, expr, const or format")
            cols[target] = ColumnSpec(**{k: (str(v) if v is not None else None) for k, v in spec.items()})
        else:
            raise ValidationError(f"bad spec for column {target!r}", file=str(p), value=spec,
                                  expected="a source column name or a table with source/expr/const/format")
    dedup = tuple(raw["dedup_on"]) if "dedup_on" in raw else None
    return TableMapping(raw["table"], cols, dedup_on=dedup)
