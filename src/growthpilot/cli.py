"""The ``growthpilot`` command line (Typer). Thin: every command calls the library.

Core commands live here; each capability adds its own in ``growthpilot/commands/<name>.py``
through a ``register(app)`` function, listed in :data:`COMMAND_MODULES`.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from typing import Annotated

import typer
from rich.markup import escape

from growthpilot.commands._common import console
from growthpilot.errors import GrowthPilotError

app = typer.Typer(
    name="growthpilot",
    help="Open, offline, AI-driven marketing: one loop from raw orders to measured results.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
_state: dict[str, bool] = {"debug": False}

# Capability command modules (growthpilot.commands.<name>), each with register(app).
COMMAND_MODULES = (
    "core", "ingest", "simulate", "pipeline", "customers", "recommend", "forecast", "decide", "campaigns",
    "mmm", "genai", "serve", "privacy",
)


def _print_version(value: bool) -> None:
    if value:
        from growthpilot import __version__

        print(f"growthpilot {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    debug: Annotated[bool, typer.Option("--debug", help="Show full tracebacks.")] = False,
    version: Annotated[bool, typer.Option("--version", callback=_print_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    _state["debug"] = debug


def _register_commands() -> None:
    for name in COMMAND_MODULES:
        modname = f"growthpilot.commands.{name}"
        if importlib.util.find_spec(modname) is None:
            continue
        importlib.import_module(modname).register(app)


_register_commands()


def _click_exceptions() -> tuple[type[Exception], ...]:
    """Click's usage-error classes: newer Typer versions raise those of their own vendored copy of click."""
    import click

    found: list[type[Exception]] = [click.ClickException]
    try:
        from typer._click.exceptions import ClickException as VendoredClickException
    except ImportError:
        pass
    else:
        found.append(VendoredClickException)
    return tuple(found)


def main() -> None:
    """Entry point: errors become one clear line (exit 1) unless ``--debug``."""
    try:
        app(standalone_mode=False)
    except typer.Exit as exc:
        raise SystemExit(exc.exit_code) from None
    except typer.Abort:
        console.print("aborted")
        raise SystemExit(130) from None
    except GrowthPilotError as exc:
        if _state["debug"] or "--debug" in sys.argv:
            raise
        console.print(f"[red]error:[/red] {escape(str(exc))}", highlight=False, soft_wrap=True)
        raise SystemExit(1) from None
    except Exception as exc:  # click usage errors and the unexpected
        if isinstance(exc, _click_exceptions()):
            exc.show()
            raise SystemExit(exc.exit_code) from None
        if _state["debug"] or "--debug" in sys.argv:
            raise
        console.print(f"[red]error:[/red] {type(exc).__name__}: {escape(str(exc))} (run with --debug for the traceback)",
                      highlight=False, soft_wrap=True)
        raise SystemExit(1) from None


if __name__ == "__main__":
    main()
