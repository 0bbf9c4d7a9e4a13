"""`prefect-compat`: the click group; each subcommand's module loads only when it is used.

The group lists its commands from a table (name, module, short help), so `--help`
shows every command, `migrate` included, without importing any of them: the `run`
path never pays for libcst, and `migrate` can live in its own module.
"""

from __future__ import annotations

import importlib
from typing import Any

import click

from prefect_compat import __version__

__all__ = ["main"]

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

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][2]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(version=__version__, prog_name="prefect-compat")
def main() -> None:
    """prefect-compat: run Prefect Core 0.13 / 1.x flows on a fast, clean-room engine."""


if __name__ == "__main__":  # pragma: no cover - `python -m prefect_compat` is the entry
    main()
