"""Keyed pseudonymisation of personal fields (HMAC-SHA256).

The same value under the same key always maps to the same pseudonym, so joins and
de-duplication still work, but the value cannot be recovered without the vault.

>>> import pandas as pd
>>> df = pd.DataFrame({"customer_id": ["c1"], "email": [" Ann@Example.com "]})
>>> out = pseudonymise_frame(df, ["email"], b"k" * 32)
>>> out.loc[0, "email"].startswith("ps_"), df.loc[0, "email"] == " Ann@Example.com "
(True, True)
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable

import pandas as pd

from growthpilot.errors import ConfigError

PREFIX = "ps_"
PERSONAL_FIELDS = ("email", "phone", "name", "address")
_PSEUDONYM = re.compile(r"^ps_[0-9a-f]{32}$")
_SPACES = re.compile(r"\s+")


def _key_bytes(key: bytes | str) -> bytes:
    kb = key.encode() if isinstance(key, str) else bytes(key)
    if len(kb) < 16:
        raise ConfigError("pseudonymisation key is shorter than 16 bytes; use growthpilot.privacy.pseudonym_key(ws)")
    return kb


def normalise(value: str, field: str = "") -> str:
    """Canonical form before hashing: e-mails lower-cased, phones digits only, spaces collapsed."""
    v = _SPACES.sub(" ", str(value)).strip()
    if field == "email":
        return v.lower()
    if field == "phone":
        return ("+" if v.startswith("+") else "") + re.sub(r"\D", "", v)
    return v.casefold()


def is_pseudonym(value: object) -> bool:
    """Whether ``value`` already looks like a pseudonym made here."""
    return isinstance(value, str) and bool(_PSEUDONYM.match(value))


def pseudonymise_value(value: object, key: bytes | str, field: str = "") -> str | None:
    """The pseudonym of one value (``None`` stays ``None``; pseudonyms stay unchanged)."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return None
    if is_pseudonym(value):
        return str(value)
    digest = hmac.new(_key_bytes(key), f"{field}:{normalise(str(value), field)}".encode(), hashlib.sha256)
    return PREFIX + digest.hexdigest()[:32]


def pseudonymise_frame(df: pd.DataFrame, columns: Iterable[str], key: bytes | str) -> pd.DataFrame:
    """Return a copy of ``df`` with ``columns`` replaced by keyed HMAC pseudonyms.

    Parameters
    ----------
    df : input rows (not modified).
    columns : personal columns to pseudonymise; columns absent from ``df`` are skipped.
    key : HMAC key (at least 16 bytes), e.g. :func:`growthpilot.privacy.pseudonym_key`.

    Returns
    -------
    pandas.DataFrame
        Same shape and index; the named columns hold ``ps_<32 hex>`` or null. Values that
        are already pseudonyms are kept, so running it twice changes nothing.
    """
    kb = _key_bytes(key)
    out = df.copy()
    for col in columns:
        if col not in out.columns:
            continue
        field = col.lower()
        cache: dict[object, str | None] = {}
        values = out[col].astype(object).where(out[col].notna(), None)
        out[col] = [
            cache[v] if v in cache else cache.setdefault(v, pseudonymise_value(v, kb, field)) for v in values
        ]
    return out
