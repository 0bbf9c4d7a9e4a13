"""`prefect-compat results ls [DIR]` and `results show LOCATION`: browse local checkpoints.

`ls` walks DIR (default `<home_dir>/results`, i.e. where `LocalResult()` writes) and
lists every file newest first, skipping the `.tmp-*.part` files an interrupted atomic
write can leave. `show` reads one location through `LocalResult.read`, so it decodes
exactly as the engine would (and reports corrupt data the same way), with the
`prefect` import alias installed so pickles written by Prefect-era code load.
A rich table / pretty-print on a terminal; plain, unwrapped text otherwise.
"""

from __future__ import annotations

import fnmatch
import os
import sys
from datetime import datetime
from typing import Any

import click

__all__ = ["results"]

TEMP_PATTERN = ".tmp-*.part"


def default_results_dir() -> str:
    from prefect_compat.configuration import config

    return os.path.join(os.path.abspath(os.path.expanduser(str(config.home_dir))), "results")


def human_size(size: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{int(size)} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GiB"  # pragma: no cover - loop always returns


def checkpoint_files(root: str) -> list[tuple[str, int, float]]:
    """(location relative to root, size, mtime) of every checkpoint file, newest first."""
    found = []
    for directory, dirs, files in os.walk(root):
        dirs.sort()
        for name in files:
            if fnmatch.fnmatch(name, TEMP_PATTERN):
                continue
            path = os.path.join(directory, name)
            try:
                info = os.stat(path)
            except FileNotFoundError:  # removed while we walked
                continue
            found.append((os.path.relpath(path, root), info.st_size, info.st_mtime))
    found.sort(key=lambda item: (-item[2], item[0]))
    return found


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def results() -> None:
    """List and show checkpointed task results (LocalResult files)."""


@results.command("ls")
@click.argument("directory", required=False, metavar="[DIR]")
def ls(directory: str | None) -> None:
    """List checkpoint files under DIR (default: ~/.prefect/results), newest first."""
    root = os.path.abspath(os.path.expanduser(directory or default_results_dir()))
    if not os.path.isdir(root):
        click.echo(f"Error: no results directory at {root}", err=True)
        sys.exit(1)
    rows = [
        (location, human_size(size), datetime.fromtimestamp(mtime).isoformat(" ", "seconds"))
        for location, size, mtime in checkpoint_files(root)
    ]
    if not rows:
        click.echo(f"No checkpoint files under {root}")
        return
    if sys.stdout.isatty():
        _rich_table(root, rows)
        return
    click.echo(f"{len(rows)} checkpoint files under {root} (newest first)")
    width = max(len(r[0]) for r in rows)
    size_width = max(len(r[1]) for r in rows)
    click.echo(f"{'LOCATION':<{width}}  {'SIZE':>{size_width}}  MODIFIED")
    for location, size, modified in rows:
        click.echo(f"{location:<{width}}  {size:>{size_width}}  {modified}")


def _rich_table(root: str, rows: list[tuple[str, str, str]]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{len(rows)} checkpoint files under {root} (newest first)")
    table.add_column("Location", style="cyan", overflow="fold")
    table.add_column("Size", justify="right")
    table.add_column("Modified", style="dim")
    for row in rows:
        table.add_row(*row)
    Console().print(table)


def resolve_location(location: str, directory: str | None) -> str:
    """Absolute as is; else under DIR (default results dir), or the cwd if only there."""
    location = os.path.expanduser(location)
    root = os.path.abspath(os.path.expanduser(directory or default_results_dir()))
    full = os.path.join(root, location)
    if directory is None and not os.path.exists(full) and os.path.isfile(location):
        return os.path.abspath(location)
    return full


def _read(location: str, directory: str | None, serializer: str | None) -> tuple[Any, str]:
    import prefect_compat
    from prefect_compat.engine.results import LocalResult
    from prefect_compat.engine.serializers import get_serializer

    prefect_compat.install_alias()  # pickles that name prefect.* classes load as ours
    full = resolve_location(location, directory)
    chosen = get_serializer(serializer) if serializer else None
    result = LocalResult(validate_dir=False, serializer=chosen)  # None: PickleSerializer
    result.dir = os.path.dirname(full)  # any directory: LocalResult would remap ones in home
    return result.read(os.path.basename(full)), full


@results.command("show")
@click.argument("location")
@click.option(
    "--serializer",
    default=None,
    metavar="NAME",
    help="Serializer the value was written with: pickle (default), json, compressed/pickle, ...",
)
@click.option(
    "--dir",
    "directory",
    default=None,
    metavar="DIR",
    help="Directory LOCATION is relative to (default: ~/.prefect/results).",
)
def show(location: str, serializer: str | None, directory: str | None) -> None:
    """Load the value stored at LOCATION (absolute, or relative to DIR) and print it."""
    from prefect_compat.exceptions import ResultReadError

    try:
        result, full = _read(location, directory, serializer)
    except ValueError as exc:  # unknown serializer name
        raise click.BadParameter(str(exc), param_hint="--serializer") from exc
    except ResultReadError as exc:
        where = resolve_location(location, directory)
        click.echo(f"Error: cannot load {where}: {exc}", err=True)
        sys.exit(1)
    value = result.value
    header = (
        f"{full} ({human_size(os.path.getsize(full))}, "
        f"{type(result.serializer).__name__}) -> {type(value).__module__}."
        f"{type(value).__qualname__}"
    )
    if sys.stdout.isatty():
        from rich.console import Console
        from rich.pretty import Pretty

        console = Console()
        console.print(header, style="dim", soft_wrap=True)
        console.print(Pretty(value))
        return
    import pprint

    click.echo(header)
    click.echo(pprint.pformat(value, width=100))
