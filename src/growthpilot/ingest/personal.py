"""Personal fields are pseudonymised before they reach the warehouse (privacy by design)."""

from __future__ import annotations

from collections.abc import Callable

import duckdb
import pandas as pd

from growthpilot.errors import ConfigError

PERSONAL_COLUMNS = {"customers": ("email", "phone", "name", "address")}

# (rows, personal columns present) -> rows with those columns pseudonymised
Protector = Callable[[pd.DataFrame, list[str]], pd.DataFrame]


def workspace_protector(ws) -> Protector:
    """Pseudonymise with the workspace's HMAC key and keep the raw values in its encrypted vault."""
    from growthpilot.privacy import Vault, protect_frame, pseudonym_key, vault_key

    def protect(df: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
        return protect_frame(df, Vault(ws.warehouse, vault_key(ws)), pseudonym_key(ws), columns)

    return protect


def key_protector(key: bytes) -> Protector:
    """Pseudonymise with ``key`` only (no vault): for library use outside a workspace."""
    from growthpilot.privacy import pseudonymise_frame

    return lambda df, columns: pseudonymise_frame(df, columns, key)


def pseudonymise_clean(con: duckdb.DuckDBPyConnection, view: str, table: str, protect: Protector | None) -> str:
    """Return a view whose personal columns hold keyed-HMAC pseudonyms instead of raw values."""
    cols = PERSONAL_COLUMNS.get(table, ())
    if not cols:
        return view
    present = con.execute(f"SELECT {', '.join(f'count({c})' for c in cols)} FROM {view}").fetchone()
    used = [c for c, n in zip(cols, present, strict=True) if n]
    if not used:
        return view
    if protect is None:
        raise ConfigError(
            f"table {table!r} has personal fields {used}: they must be pseudonymised at ingest; "
            "ingest inside a workspace (growthpilot ingest -w DIR) or pass protect_personal=key_protector(key)"
        )
    df = protect(con.execute(f"SELECT * FROM {view}").df(), used)
    name = f"{view}_pseudo"
    con.register(name, df)
    return name
