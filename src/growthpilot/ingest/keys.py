"""The workspace's pseudonymisation key: from settings, else a secret kept in the workspace."""

from __future__ import annotations

from growthpilot.workspace import Workspace


def pseudonym_key(ws: Workspace) -> bytes:
    """The HMAC key for personal fields (``GROWTHPILOT_PSEUDONYM_KEY`` or the workspace secret)."""
    configured = ws.settings.pseudonym_key.get_secret_value()
    if configured:
        return configured.encode()
    from growthpilot.privacy import workspace_pseudonym_key

    return workspace_pseudonym_key(ws.root)
