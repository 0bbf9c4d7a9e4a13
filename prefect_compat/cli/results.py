"""`prefect-compat results ls | show | clean`: browse and tidy local checkpoints.

`ls` walks DIR (default `<home_dir>/results`, i.e. where `LocalResult()` writes) and
lists every file newest first. The `.tmp-*.part` files an interrupted atomic write
can leave are not listed but counted, and directories it cannot read are reported
on stderr (exit status 1). `show` reads one location through `LocalResult.read`,
so it decodes exactly as the engine would (and reports corrupt data the same way),
with the `prefect` import alias installed so pickles written by Prefect-era code
load. `clean` removes the temp files older than `results.local.stale_temp_age`
(`--dry-run` lists them). A rich table / pretty-print on a terminal; plain,
unwrapped text otherwise.
"""

from __future__ import annotations

import fnmatch
import os
import sys
from datetime import datetime
from typing import Any

import click

from prefect_compat._storage.local import TEMP_PATTERN

__all__ = ["results"]


def default_results_dir() -> str:
    from prefect_compat.configuration import config

    return os.path.join(os.path.abspath(os.path.expanduser(str(config.home_dir))), "results")


def human_size(size: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{int(size)} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GiB"  # pragma: no cover - loop always returns


class Listing:
    """What `ls` found under a root: checkpoint files, temp files, unreadable paths."""

    def __init__(self) -> None:
        self.files: list[tuple[str, int, float]] = []  # (relative location, size, mtime)
        self.temp_files = 0
        self.errors: list[OSError] = []


def checkpoint_files(root: str) -> Listing:
    """Every checkpoint file under `root` (newest first), counting what it skips."""
    listing = Listing()
    for directory, dirs, files in os.walk(root, onerror=listing.errors.append):
        dirs.sort()
        for name in files:
            if fnmatch.fnmatch(name, TEMP_PATTERN):
                listing.temp_files += 1
                continue
            path = os.path.join(directory, name)
            try:
                info = os.stat(path)
            except FileNotFoundError:  # removed while we walked
                continue
            except OSError as exc:
                listing.errors.append(exc)
                continue
            listing.files.append((os.path.relpath(path, root), info.st_size, info.st_mtime))
    listing.files.sort(key=lambda item: (-item[2], item[0]))
    return listing


def _report_errors(errors: list[OSError]) -> None:
    for exc in errors:
        click.echo(f"Error: cannot read {exc.filename}: {exc.strerror or exc}", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def results() -> None:
    """List and show checkpointed task results (LocalResult files)."""


@results.command("ls")
@click.argument("directory", required=False, metavar="[DIR]")
def ls(directory: str | None) -> None:
    """List checkpoint files under DIR (default: ~/.prefect/results), newest first."""
    root = _existing_dir(directory)
    listing = checkpoint_files(root)
    rows = [
        (location, human_size(size), datetime.fromtimestamp(mtime).isoformat(" ", "seconds"))
        for location, size, mtime in listing.files
    ]
    if not rows:
        click.echo(f"No checkpoint files under {root}")
    elif sys.stdout.isatty():
        _rich_table(root, rows)
    else:
        _plain_table(root, rows)
    if listing.temp_files:
        click.echo(
            f"Note: {listing.temp_files} temporary .tmp-*.part file(s) of unfinished writes "
            f"not listed; remove old ones with: prefect-compat results clean {root}",
            err=True,
        )
    if listing.errors:
        _report_errors(listing.errors)
        sys.exit(1)


def _existing_dir(directory: str | None) -> str:
    root = os.path.abspath(os.path.expanduser(directory or default_results_dir()))
    if not os.path.isdir(root):
        what = "is not a directory" if os.path.exists(root) else "does not exist"
        click.echo(f"Error: no results directory at {root} (it {what})", err=True)
        sys.exit(1)
    return root


def _plain_table(root: str, rows: list[tuple[str, str, str]]) -> None:
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
    from prefect_compat._storage.base import StorageError
    from prefect_compat.exceptions import ResultReadError

    try:
        result, full = _read(location, directory, serializer)
    except ValueError as exc:  # unknown serializer name
        raise click.BadParameter(str(exc), param_hint="--serializer") from exc
    except (ResultReadError, StorageError) as exc:
        where = resolve_location(location, directory)
        click.echo(f"Error: cannot load {where}: {' '.join(str(exc).split())}", err=True)
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


def _configured_age() -> float:
    from prefect_compat.engine.results.local_result import _local_settings

    age = _local_settings()[1]
    return 3600.0 if age is None else float(age)


@results.command("clean")
@click.argument("directory", metavar="DIR")
@click.option(
    "--older-than",
    type=click.FloatRange(min=0),
    default=None,
    metavar="SECONDS",
    help="Age from which a temp file counts as abandoned (default: results.local."
    "stale_temp_age, 3600).",
)
@click.option("--dry-run", is_flag=True, help="List what would be removed; remove nothing.")
def clean(directory: str, older_than: float | None, dry_run: bool) -> None:
    """Remove abandoned .tmp-*.part files (interrupted writes) under DIR.

    Files younger than the age limit are kept: they may belong to a write in progress.
    """
    from prefect_compat._storage.local import stale_temp_files

    root = _existing_dir(directory)
    age = _configured_age() if older_than is None else older_than
    errors: list[OSError] = []
    found = []
    for current, dirs, _files in os.walk(root, onerror=errors.append):
        dirs.sort()
        try:
            found += sorted(stale_temp_files(current, age))
        except OSError as exc:
            errors.append(exc)
    removed = 0
    for path in found:
        if not dry_run:
            try:
                os.unlink(path)
            except FileNotFoundError:
                continue
            except OSError as exc:
                errors.append(exc)
                continue
        removed += 1
        click.echo(("would remove " if dry_run else "removed ") + path)
    verb = "would be removed" if dry_run else "removed"
    click.echo(f"{removed} temporary file(s) older than {age:g}s {verb} under {root}")
    if errors:
        _report_errors(errors)
        sys.exit(1)
