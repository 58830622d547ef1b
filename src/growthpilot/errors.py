"""One error hierarchy for growthpilot.

Every error the library raises on purpose derives from :class:`GrowthPilotError`.
Subclasses also inherit the built-in exception they resemble, so callers that
catch ``ValueError`` or ``KeyError`` keep working.
"""

from __future__ import annotations


class GrowthPilotError(Exception):
    """Root of every error growthpilot raises on purpose."""


class ConfigError(GrowthPilotError, ValueError):
    """A setting is missing or invalid (workspace file, environment variable)."""


class WorkspaceNotFoundError(GrowthPilotError, FileNotFoundError):
    """The directory is not a growthpilot workspace (no ``growthpilot.toml``)."""


class WarehouseError(GrowthPilotError, RuntimeError):
    """The warehouse could not be reached or a query failed."""


class UnknownTableError(GrowthPilotError, KeyError):
    """A table name is not part of the canonical contracts and not in the warehouse."""

    def __str__(self) -> str:  # KeyError would repr() the message
        return str(self.args[0]) if self.args else ""


class SchemaError(GrowthPilotError, ValueError):
    """A dataframe does not match a table contract (missing column, wrong type)."""


class ValidationError(GrowthPilotError, ValueError):
    """Input data is invalid; the message names file, row, column, value and what was expected."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
        value: object = None,
        expected: str | None = None,
    ) -> None:
        self.file, self.row, self.column, self.value, self.expected = file, row, column, value, expected
        parts = [message]
        where = ", ".join(
            f"{k} {v!r}" if k == "value" else f"{k} {v}"
            for k, v in (("file", file), ("row", row), ("column", column), ("value", value))
            if v is not None
        )
        if where:
            parts.append(f"({where})")
        text = " ".join(parts)
        super().__init__(f"{text}; expected {expected}" if expected else text)


class MissingDependencyError(GrowthPilotError, ImportError):
    """An optional extra is not installed; the message names the extra to install."""

    def __init__(self, package: str, extra: str) -> None:
        self.package, self.extra = package, extra
        super().__init__(
            f"{package} is not installed; install it with: pip install 'growthpilot[{extra}]'"
        )


class NotFittedError(GrowthPilotError, ValueError, AttributeError):
    """An estimator was used before ``fit`` was called."""


class DataError(GrowthPilotError, ValueError):
    """Data is unusable for the requested operation (too few rows, no positives, ...)."""


def require(module: str, extra: str):
    """Import an optional module or raise :class:`MissingDependencyError` naming the extra.

    >>> np = require("numpy", "core")
    """
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise MissingDependencyError(module, extra) from exc
