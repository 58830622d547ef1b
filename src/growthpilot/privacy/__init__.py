"""Privacy by design: pseudonyms, an encrypted vault, consent, erasure, DP reports, audit, retention."""

from growthpilot.privacy.audit import AuditEntry, AuditLog
from growthpilot.privacy.budget import BudgetExceededError, PrivacyBudget
from growthpilot.privacy.consent import ConsentRegistry
from growthpilot.privacy.dp import DPReport, dp_report
from growthpilot.privacy.erasure import ErasureReceipt, erase_customer, load_receipt, verify_receipt
from growthpilot.privacy.pseudonymise import PERSONAL_FIELDS, pseudonymise_frame, pseudonymise_value
from growthpilot.privacy.retention import DEFAULT_RULES, RetentionRule, apply_retention
from growthpilot.privacy.secrets import (
    pseudonym_key,
    signing_key,
    vault_key,
    workspace_pseudonym_key,
    workspace_secret,
)
from growthpilot.privacy.vault import Vault, protect_customers, protect_frame

__all__ = [
    "AuditEntry", "AuditLog", "BudgetExceededError", "ConsentRegistry", "DEFAULT_RULES", "DPReport",
    "ErasureReceipt", "PERSONAL_FIELDS", "PrivacyBudget", "RetentionRule", "Vault", "apply_retention",
    "dp_report", "erase_customer", "load_receipt", "protect_customers", "protect_frame", "pseudonym_key", "pseudonymise_frame",
    "pseudonymise_value", "signing_key", "vault_key", "verify_receipt", "workspace_pseudonym_key", "workspace_secret",
]
