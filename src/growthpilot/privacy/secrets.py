"""Workspace secrets: keys generated on first use under ``WORKSPACE/secrets/`` with mode 0600.

The HMAC key that pseudonymises personal fields and the Fernet key of the vault live
here unless the settings give them (``GROWTHPILOT_PSEUDONYM_KEY``, ``GROWTHPILOT_VAULT_KEY``).

>>> key = workspace_secret("/tmp/gp-ws", "pseudonym")   # doctest: +SKIP
>>> len(key)                                             # doctest: +SKIP
32
"""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING

from growthpilot.errors import ConfigError

if TYPE_CHECKING:  # pragma: no cover
    from growthpilot.workspace import Workspace

SECRETS_DIR = "secrets"


def secrets_dir(root: str | Path) -> Path:
    """``ROOT/secrets`` created with mode 0700."""
    d = Path(root) / SECRETS_DIR
    d.mkdir(parents=True, exist_ok=True)
    os.chmod(d, 0o700)
    return d


def workspace_secret(root: str | Path, name: str, *, nbytes: int = 32) -> bytes:
    """Return the secret ``name`` of the workspace at ``root``, creating it on first use.

    Parameters
    ----------
    root : workspace directory.
    name : secret name (a file ``secrets/<name>.key`` holding url-safe base64).
    nbytes : size of a newly generated secret.

    Returns
    -------
    bytes
        The raw secret bytes.
    """
    path = secrets_dir(root) / f"{name}.key"
    if not path.exists():
        token = base64.urlsafe_b64encode(secrets.token_bytes(nbytes))
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process won the race: read theirs
            pass
        else:
            with os.fdopen(fd, "wb") as fh:
                fh.write(token)
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        raise ConfigError(
            f"secret {path} is readable by other users (mode {oct(mode)}); fix it with: chmod 600 {path}"
        )
    try:
        return base64.urlsafe_b64decode(path.read_bytes().strip())
    except ValueError as exc:
        raise ConfigError(f"secret {path} is not url-safe base64; delete it to regenerate (data keyed by it is lost)") from exc


def pseudonym_key(ws: Workspace) -> bytes:
    """The HMAC key for pseudonyms: the ``pseudonym_key`` setting or the workspace secret."""
    given = ws.settings.pseudonym_key.get_secret_value()
    return given.encode() if given else workspace_secret(ws.root, "pseudonym")


def vault_key(ws: Workspace) -> bytes:
    """The Fernet key of the vault: the ``vault_key`` setting or the workspace secret."""
    given = ws.settings.vault_key.get_secret_value()
    if given:
        return given.encode()
    return base64.urlsafe_b64encode(workspace_secret(ws.root, "vault"))


def signing_key(ws: Workspace) -> bytes:
    """Key that signs sessions and erasure receipts (never used for pseudonyms)."""
    return workspace_secret(ws.root, "signing")


def workspace_pseudonym_key(root: str | Path) -> bytes:
    """The workspace's own HMAC pseudonym key (``ROOT/secrets/pseudonym.key``), made on first use."""
    return workspace_secret(root, "pseudonym")
