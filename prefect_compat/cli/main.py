"""`prefect-compat`: the click group; each subcommand's module loads only when it is used.

The group lists its commands from a table (name, module, short help), so `--help`
shows every command, `migrate` included, without importing any of them: the `run`
path never pays for libcst, and `migrate` can live in its own module.

User errors never show a traceback: a broken config file (held back while the
package was imported, see `_config.load_configuration`), a storage error or a
result that cannot be read becomes one `Error: ...` line and exit status 1.
`--help` and `--version` work even with a broken config file.
"""

from __future__ import annotations

import importlib
from typing import Any

import click

from prefect_compat import __version__, _config
from prefect_compat._storage.base import StorageError
from prefect_compat.exceptions import ResultReadError

__all__ = ["main"]

# Raised by our code about the user's input or environment: one line, exit 1.
USER_ERRORS = (_config.ConfigError, StorageError, ResultReadError)

# name -> (module, attribute, short help shown by --help without importing the module)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "run": (
        "prefect_compat.cli.run",
        "run",
        "Run a Prefect Core script (`import prefect` style) on prefect-compat.",
    ),
    "results": (
        "prefect_compat.cli.results",
        "results",
        "List and show checkpointed task results.",
    ),
    "runs": (
        "prefect_compat.cli.runs",
        "runs",
        "List and show the flow runs recorded in the run journal.",
    ),
    "config": (
        "prefect_compat.cli.config",
        "config",
        "View and change Prefect 2.x settings ($PREFECT_HOME/profiles.toml).",
    ),
    "migrate": (
        "prefect_compat.cli.migrate",
        "migrate",
        "Rewrite 0.10/0.13 imports and result handlers to the 1.x API.",
    ),
}


class LazyGroup(click.Group):
    """A click group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> Any:
        entry = COMMANDS.get(cmd_name)
        if entry is None:
            return None
        module_name, attribute, _ = entry
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            raise click.UsageError(
                f"`prefect-compat {cmd_name}` is not available in this installation "
                f"({module_name} is missing). Reinstall prefect-compat.",
                ctx,
            ) from exc
        return getattr(module, attribute)

    def invoke(self, ctx: click.Context) -> Any:
        error = _config.CLI_CONFIG_ERROR
        # click >= 8.2 keeps the subcommand name in `_protected_args`, older in `protected_args`
        protected = getattr(ctx, "_protected_args", None)
        if protected is None:
            protected = ctx.protected_args
        if error is not None and not _asks_for_help([*protected, *ctx.args]):
            raise click.ClickException(str(error))
        try:
            return super().invoke(ctx)
        except USER_ERRORS as exc:
            raise click.ClickException(one_line(exc)) from exc

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][2]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


def _asks_for_help(args: list[str]) -> bool:
    for arg in args:
        if arg == "--":
            return False
        if arg in ("-h", "--help"):
            return True
    return False


def one_line(exc: BaseException) -> str:
    """The message of `exc` on one line (messages that quote server output can wrap)."""
    return " ".join(str(exc).split()) or type(exc).__name__


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(version=__version__, prog_name="prefect-compat")
def main() -> None:
    """prefect-compat: run Prefect Core 0.13 / 1.x flows on a fast, clean-room engine."""


if __name__ == "__main__":  # pragma: no cover - `python -m prefect_compat` is the entry
    main()
