"""Personal fields are pseudonymised before they reach the warehouse (privacy by design)."""

from __future__ import annotations

from collections.abc import Callable

import duckdb

from growthpilot.errors import ConfigError

PERSONAL_COLUMNS = {"customers": ("email", "phone", "name", "address")}


def pseudonymise_clean(
    con: duckdb.DuckDBPyConnection, view: str, table: str, key: bytes | Callable[[], bytes] | None
) -> str:
    """Return a view whose personal columns hold keyed-HMAC pseudonyms instead of raw values.

    ``key`` may be a callable, asked only when personal values are present."""
    cols = PERSONAL_COLUMNS.get(table, ())
    if not cols:
        return view
    present = con.execute(
        f"SELECT {', '.join(f'count({c})' for c in cols)} FROM {view}").fetchone()
    used = [c for c, n in zip(cols, present, strict=True) if n]
    if not used:
        return view
    if not key:
        raise ConfigError(
            f"table {table!r} has personal fields {used}: ingest needs a pseudonym key "
            "(run inside a workspace, or set GROWTHPILOT_PSEUDONYM_KEY)"
        )
    from growthpilot.privacy import pseudonymise_frame

    if callable(key):
        key = key()

    df = pseudonymise_frame(con.execute(f"SELECT * FROM {view}").df(), used, key)
    name = f"{view}_pseudo"
    con.register(name, df)
    return name
