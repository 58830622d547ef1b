"""An encrypted vault of raw personal values (Fernet), keyed by customer and field.

Only the vault holds e-mails, phones, names and addresses in the clear (encrypted at
rest); every other table holds pseudonyms. The API lets only roles with the
``customers:pii`` permission call :meth:`Vault.reveal`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import pandas as pd
from cryptography.fernet import Fernet, InvalidToken

from growthpilot.errors import ConfigError
from growthpilot.privacy.pseudonymise import PERSONAL_FIELDS, is_pseudonym, pseudonymise_frame
from growthpilot.warehouse import TableContract, Warehouse, register

if TYPE_CHECKING:  # pragma: no cover
    from growthpilot.workspace import Workspace

VAULT = register(TableContract(
    "pii_vault",
    {"customer_id": "string", "field": "string", "pseudonym": "string", "token": "string",
     "updated_at": "timestamp"},
    keys=("customer_id", "field"), required=("customer_id", "field", "token"),
    description="Raw personal values encrypted with the workspace vault key (Fernet tokens).",
))


class Vault:
    """Encrypted storage of raw personal values.

    Parameters
    ----------
    warehouse : where the ``pii_vault`` table lives.
    key : a Fernet key (url-safe base64, 32 bytes), e.g. :func:`growthpilot.privacy.vault_key`.
    """

    def __init__(self, warehouse: Warehouse, key: bytes | str) -> None:
        self.warehouse = warehouse
        try:
            self._fernet = Fernet(key)
        except (ValueError, TypeError) as exc:
            raise ConfigError("vault key is not a valid Fernet key (url-safe base64 of 32 bytes)") from exc

    def store_frame(
        self, raw: pd.DataFrame, pseudonymised: pd.DataFrame, columns: Iterable[str], *, id_col: str = "customer_id"
    ) -> int:
        """Encrypt the raw values of ``columns`` next to their pseudonyms; returns rows written."""
        rows = []
        now = datetime.now(UTC).replace(tzinfo=None)
        for col in columns:
            if col not in raw.columns:
                continue
            for cid, value, ps in zip(raw[id_col], raw[col], pseudonymised[col], strict=True):
                if value is None or pd.isna(value) or is_pseudonym(value) or cid is None:
                    continue
                token = self._fernet.encrypt(str(value).encode()).decode()
                rows.append({"customer_id": str(cid), "field": col, "pseudonym": ps, "token": token,
                             "updated_at": now})
        if rows:
            self.warehouse.write("pii_vault", pd.DataFrame(rows), mode="upsert")
        return len(rows)

    def reveal_field(self, customer_ids: list[str], field: str) -> dict[str, str]:
        """Decrypted values of one personal ``field`` for many customers (absent ones are left out)."""
        if not customer_ids or not self.warehouse.has_table("pii_vault"):
            return {}
        t = self.warehouse.table("pii_vault")
        df = self.warehouse.read(t.filter(t.customer_id.isin(list(customer_ids)) & (t.field == field))
                                 .select("customer_id", "token"))
        try:
            return {c: self._fernet.decrypt(tok.encode()).decode()
                    for c, tok in zip(df["customer_id"], df["token"], strict=True)}
        except InvalidToken as exc:
            raise ConfigError("vault token cannot be decrypted: the vault key changed") from exc

    def reveal(self, customer_id: str) -> dict[str, str]:
        """The decrypted personal values of one customer (empty when none are stored)."""
        if not self.warehouse.has_table("pii_vault"):
            return {}
        t = self.warehouse.table("pii_vault")
        df = self.warehouse.read(t.filter(t.customer_id == customer_id))
        out: dict[str, str] = {}
        for field, token in zip(df["field"], df["token"], strict=True):
            try:
                out[field] = self._fernet.decrypt(token.encode()).decode()
            except InvalidToken as exc:
                raise ConfigError("vault token cannot be decrypted: the vault key changed") from exc
        return out

    def pseudonyms(self, customer_id: str) -> list[str]:
        """The pseudonyms stored for one customer (used by erasure)."""
        if not self.warehouse.has_table("pii_vault"):
            return []
        t = self.warehouse.table("pii_vault")
        df = self.warehouse.read(t.filter(t.customer_id == customer_id).select("pseudonym"))
        return [p for p in df["pseudonym"].tolist() if p]


def protect_frame(
    df: pd.DataFrame, vault: Vault, key: bytes | str, columns: Iterable[str] = PERSONAL_FIELDS,
    *, id_col: str = "customer_id",
) -> pd.DataFrame:
    """Pseudonymise ``columns`` and put their raw values in ``vault``; returns the safe frame."""
    cols = [c for c in columns if c in df.columns]
    safe = pseudonymise_frame(df, cols, key)
    if id_col in df.columns:
        vault.store_frame(df, safe, cols, id_col=id_col)
    return safe


def protect_customers(ws: Workspace, columns: Iterable[str] = PERSONAL_FIELDS) -> int:
    """Move raw personal values already in ``customers`` into the vault and pseudonymise them in place.

    For warehouses filled without the ingest path (simulators, direct loads). Idempotent:
    rows whose fields are already pseudonyms are left alone. Returns the rows protected.
    """
    from growthpilot.privacy.secrets import pseudonym_key, vault_key

    wh = ws.warehouse
    if not wh.has_table("customers"):
        return 0
    t = wh.table("customers")
    cols = [c for c in columns if c in t.columns]
    if not cols:
        return 0
    raw_cond = None
    for c in cols:
        cond = t[c].notnull() & ~t[c].re_search(r"^ps_[0-9a-f]{32}$")
        raw_cond = cond if raw_cond is None else raw_cond | cond
    raw = wh.read(t.filter(raw_cond))
    if raw.empty:
        return 0
    safe = protect_frame(raw, Vault(wh, vault_key(ws)), pseudonym_key(ws), cols)
    wh.write("customers", safe, mode="upsert")
    return len(safe)
