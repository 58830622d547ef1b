"""Erasure of one customer across every table and derived output, with a verifiable receipt.

A customer is named by their ``customer_id``, the pseudonyms of their personal fields
(from the vault and the ``customers`` row) and the pseudonym of their id. Every table in
the warehouse is scanned: a row goes when any text column equals one of these
identifiers or mentions one as a whole word (free text such as audit paths, copy,
assistant logs). Text files under the workspace (exports, logs) are scanned the same
way, line by line. The receipt holds, per table, how many rows went and the SHA-256 of
exactly those rows; it names the customer only through a salted commitment and is
signed with the workspace signing key.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import uuid
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ibis
import pandas as pd

from growthpilot.errors import ValidationError
from growthpilot.privacy.pseudonymise import PERSONAL_FIELDS, is_pseudonym, pseudonymise_value
from growthpilot.privacy.secrets import SECRETS_DIR, pseudonym_key, signing_key, vault_key
from growthpilot.privacy.vault import Vault
from growthpilot.warehouse import TableContract, Warehouse, register

if TYPE_CHECKING:  # pragma: no cover
    from growthpilot.privacy.audit import AuditLog
    from growthpilot.workspace import Workspace

RECEIPTS = register(TableContract(
    "erasure_receipts",
    {"receipt_id": "string", "erased_at": "timestamp", "subject_commitment": "string", "salt": "string",
     "tables": "string", "files": "string", "total_rows": "int64", "digest": "string", "signature": "string"},
    keys=("receipt_id",), required=("receipt_id", "digest", "signature"),
    description="Signed erasure receipts: rows deleted and their SHA-256 per table; the subject only as a salted commitment.",
))
_SKIP_TABLES = {"erasure_receipts"}
_SKIP_PREFIXES = ("_", "ibis_")  # staging tables and in-memory views of this session
_TEXT_SUFFIXES = {".csv", ".tsv", ".jsonl", ".ndjson", ".log", ".txt"}
_WHOLE_FILE_SUFFIXES = {".json", ".html", ".md"}
_MAX_FILE_BYTES = 256 * 1024 * 1024


@dataclass
class ErasureReceipt:
    """What one erasure removed; verify it with :func:`verify_receipt`."""

    receipt_id: str
    erased_at: str
    subject_commitment: str
    salt: str
    tables: dict[str, dict[str, Any]] = field(default_factory=dict)
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    total_rows: int = 0
    digest: str = ""
    signature: str = ""

    def body(self) -> dict[str, object]:
        d = asdict(self)
        d.pop("digest"), d.pop("signature")
        return d

    def compute_digest(self) -> str:
        return hashlib.sha256(json.dumps(self.body(), sort_keys=True, default=str).encode()).hexdigest()


def _commit(salt: str, customer_id: str) -> str:
    return hashlib.sha256(f"{salt}:{customer_id}".encode()).hexdigest()


def customer_identifiers(ws: Workspace, customer_id: str) -> set[str]:
    """The id, its pseudonym and the pseudonyms of the customer's personal fields.

    A field pseudonym that another customer shares (two people named "Wei Walker", a shared
    address) does not identify this customer, so it is left out: erasing one person must not
    delete another's rows.
    """
    wh = ws.warehouse
    ids = {customer_id, pseudonymise_value(customer_id, pseudonym_key(ws), "customer_id") or ""}
    fields = set(Vault(wh, vault_key(ws)).pseudonyms(customer_id))
    cols: list[str] = []
    if wh.has_table("customers"):
        t = wh.table("customers")
        cols = [c for c in PERSONAL_FIELDS if c in t.columns]
        if cols:
            df = wh.read(t.filter(t.customer_id == customer_id).select(*cols))
            fields.update(v for v in df.to_numpy().ravel().tolist() if is_pseudonym(v))
    if fields:
        shared: set[str] = set()
        candidates = sorted(fields)
        if cols:
            t = wh.table("customers")
            others = t.filter(t.customer_id != customer_id)
            hit = None
            for c in cols:
                cond = others[c].isin(candidates)
                hit = cond if hit is None else hit | cond
            df = wh.read(others.filter(hit).select(*cols))
            shared.update(v for v in df.to_numpy().ravel().tolist() if v in fields)
        if wh.has_table("pii_vault"):
            v = wh.table("pii_vault")
            df = wh.read(v.filter((v.customer_id != customer_id) & v.pseudonym.isin(candidates)).select("pseudonym"))
            shared.update(df["pseudonym"].tolist())
        ids |= fields - shared
    return {i for i in ids if i}


def _pattern(identifiers: set[str]) -> str:
    alts = "|".join(re.escape(i) for i in sorted(identifiers, key=len, reverse=True))
    return rf"(^|[^A-Za-z0-9_])({alts})([^A-Za-z0-9_]|$)"


def _condition(t: ibis.Table, identifiers: set[str]) -> ibis.BooleanValue | None:
    pattern = _pattern(identifiers)
    parts = []
    for name, typ in t.schema().items():
        if typ.is_string():
            col = t[name]
            parts.append((col.isin(sorted(identifiers)) | col.re_search(pattern)).fill_null(False))
    if not parts:
        return None
    cond = parts[0]
    for p in parts[1:]:
        cond = cond | p
    return cond


def _rows_digest(df: pd.DataFrame) -> str:
    lines = sorted(json.dumps(r, sort_keys=True, default=str) for r in df.to_dict("records"))
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def _erase_table(wh: Warehouse, name: str, identifiers: set[str]) -> dict[str, object] | None:
    t = wh.table(name)
    cond = _condition(t, identifiers)
    if cond is None:
        return None
    gone = wh.read(t.filter(cond))
    if gone.empty:
        return None
    tmp = f"_erase_{name}_{uuid.uuid4().hex[:8]}"
    wh.con.create_table(tmp, t.filter(~cond), overwrite=True)
    wh.con.create_table(name, wh.con.table(tmp), overwrite=True)
    wh.con.drop_table(tmp, force=True)
    return {"rows": len(gone), "sha256": _rows_digest(gone)}


def _erase_files(root: Path, identifiers: set[str], skip: set[Path]) -> dict[str, dict[str, object]]:
    regex = re.compile(_pattern(identifiers))
    out: dict[str, dict[str, object]] = {}
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path in skip or SECRETS_DIR in path.relative_to(root).parts:
            continue
        suffix = path.suffix.lower()
        if suffix not in _TEXT_SUFFIXES | _WHOLE_FILE_SUFFIXES or path.stat().st_size > _MAX_FILE_BYTES:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        if not regex.search(text):
            continue
        rel = str(path.relative_to(root))
        if suffix in _WHOLE_FILE_SUFFIXES:
            out[rel] = {"lines": text.count("\n") + 1, "deleted_file": True,
                        "sha256": hashlib.sha256(text.encode()).hexdigest()}
            path.unlink()
            continue
        lines = text.splitlines(keepends=True)
        gone = [ln for ln in lines if regex.search(ln)]
        path.write_text("".join(ln for ln in lines if not regex.search(ln)), encoding="utf-8")
        out[rel] = {"lines": len(gone), "deleted_file": False,
                    "sha256": hashlib.sha256("".join(gone).encode()).hexdigest()}
    return out


def erase_customer(ws: Workspace, customer_id: str, *, audit: AuditLog | None = None) -> ErasureReceipt:
    """Delete every row and file line naming ``customer_id`` and return a signed receipt.

    Parameters
    ----------
    ws : the workspace (warehouse, files and keys).
    customer_id : the customer to forget.
    audit : the live audit buffer, flushed first so queued rows are erased too.

    Returns
    -------
    ErasureReceipt
        Counts and SHA-256 of what went, per table and file; stored in ``erasure_receipts``.
    """
    if not customer_id or not str(customer_id).strip():
        raise ValidationError("erasure needs a customer id", column="customer_id", value=customer_id,
                              expected="a non-empty customer id")
    wh = ws.warehouse
    identifiers = customer_identifiers(ws, customer_id)
    if audit is not None:
        audit.drop_subject(identifiers)
        audit.flush()
    salt = secrets.token_hex(16)
    receipt = ErasureReceipt(
        receipt_id=f"erasure-{uuid.uuid4().hex[:12]}",
        erased_at=datetime.now(UTC).replace(tzinfo=None).isoformat(timespec="seconds"),
        subject_commitment=_commit(salt, customer_id), salt=salt,
    )
    for name in wh.tables():
        if name.startswith(_SKIP_PREFIXES) or name in _SKIP_TABLES:
            continue
        res = _erase_table(wh, name, identifiers)
        if res is not None:
            receipt.tables[name] = res
    if wh.backend == "duckdb":  # write deleted blocks out of the database file and its WAL now
        wh.con.raw_sql("CHECKPOINT")
    skip = {Path(p).resolve() for p in ws.root.glob("*.duckdb*")}
    receipt.files = _erase_files(ws.root, identifiers, skip)
    receipt.total_rows = int(sum(int(v["rows"]) for v in receipt.tables.values()))
    receipt.digest = receipt.compute_digest()
    receipt.signature = hmac.new(signing_key(ws), receipt.digest.encode(), hashlib.sha256).hexdigest()
    row = {**asdict(receipt), "tables": json.dumps(receipt.tables), "files": json.dumps(receipt.files)}
    wh.write("erasure_receipts", pd.DataFrame([row]), mode="upsert")
    return receipt


def load_receipt(ws: Workspace, receipt_id: str) -> ErasureReceipt | None:
    """A stored receipt by id, or ``None``."""
    wh = ws.warehouse
    if not wh.has_table("erasure_receipts"):
        return None
    t = wh.table("erasure_receipts")
    df = wh.read(t.filter(t.receipt_id == receipt_id))
    if df.empty:
        return None
    r = df.iloc[0].to_dict()
    return ErasureReceipt(
        receipt_id=r["receipt_id"], erased_at=str(r["erased_at"]).replace(" ", "T"),
        subject_commitment=r["subject_commitment"], salt=r["salt"], tables=json.loads(r["tables"] or "{}"),
        files=json.loads(r["files"] or "{}"), total_rows=int(r["total_rows"]), digest=r["digest"],
        signature=r["signature"],
    )


def verify_receipt(ws: Workspace, receipt: ErasureReceipt, customer_id: str | None = None) -> dict[str, bool]:
    """Check a receipt: digest and signature intact; with ``customer_id``, that it is theirs and
    that no table row still names them."""
    expected = hmac.new(signing_key(ws), receipt.digest.encode(), hashlib.sha256).hexdigest()
    out = {"digest_ok": receipt.compute_digest() == receipt.digest,
           "signature_ok": hmac.compare_digest(expected, receipt.signature)}
    if customer_id is not None:
        out["subject_ok"] = hmac.compare_digest(_commit(receipt.salt, customer_id), receipt.subject_commitment)
        out["no_rows_remain"] = not remaining_mentions(ws, customer_id)
    return out


def remaining_mentions(ws: Workspace, customer_id: str, identifiers: set[str] | None = None) -> dict[str, int]:
    """Tables that still hold rows naming ``customer_id`` (by id or pseudonym), with counts.

    Pass the ``identifiers`` gathered before an erasure (:func:`customer_identifiers`) to also
    check the field pseudonyms, which the vault no longer knows afterwards.
    """
    wh = ws.warehouse
    ids = {customer_id, pseudonymise_value(customer_id, pseudonym_key(ws), "customer_id") or ""}
    ids = {i for i in ids | set(Vault(wh, vault_key(ws)).pseudonyms(customer_id)) | set(identifiers or ()) if i}
    out = {}
    for name in wh.tables():
        if name.startswith(_SKIP_PREFIXES) or name in _SKIP_TABLES:
            continue
        t = wh.table(name)
        cond = _condition(t, ids)
        if cond is not None:
            n = int(t.filter(cond).count().execute())
            if n:
                out[name] = n
    return out
