"""`prefect-compat config set|unset|view`: Prefect 2.x settings in the profile file.

Writes `$PREFECT_HOME/profiles.toml` in Prefect 2.6.9's layout and prints its lines:

    $ prefect-compat config set PREFECT_RESULTS_PERSIST_BY_DEFAULT=true
    Set 'PREFECT_RESULTS_PERSIST_BY_DEFAULT' to 'true'.
    Updated profile 'default'.

Values are checked before anything is written; a bad name or value exits 1 and leaves the
file as it was. The 1.x configuration (`~/.prefect/config.toml`) is not touched.
"""

from __future__ import annotations

import os
from typing import Any, Dict, List, Tuple

import click

from prefect_compat import settings as settings_module
from prefect_compat._toml_store import locked, read_toml, write_toml

__all__ = ["config"]


def _fail(message: str) -> None:
    click.echo(message)  # stdout, as Prefect 2.6.9 prints it
    raise click.exceptions.Exit(1)


def _setting(name: str) -> Any:
    setting = settings_module.SETTING_VARIABLES.get(name)
    if setting is None:
        known = ", ".join(sorted(settings_module.SETTING_VARIABLES))
        _fail(f"Unknown setting name {name!r}.\nprefect-compat knows: {known}.")
    return setting


def _profile_file() -> Tuple[str, Dict[str, Any], str, Dict[str, Any]]:
    """(path, whole document, active profile name, its table) from the current env."""
    path = str(settings_module.profiles_path(os.environ))
    document = read_toml(path)
    name, table = settings_module.active_profile(os.environ, document)
    return path, document, name, table


def _save(path: str, document: Dict[str, Any], name: str, table: Dict[str, Any]) -> None:
    document.setdefault("active", name)
    profiles = document.setdefault("profiles", {})
    profiles[name] = table
    ordered = {"active": document["active"], **{k: v for k, v in document.items() if k != "active"}}
    write_toml(path, ordered)


@click.group()
def config() -> None:
    """View and change Prefect 2.x settings in $PREFECT_HOME/profiles.toml."""


@config.command("set")
@click.argument("assignments", nargs=-1, required=True, metavar="KEY=VALUE...")
def set_(assignments: Tuple[str, ...]) -> None:
    """Set settings in the active profile, e.g. PREFECT_RESULTS_PERSIST_BY_DEFAULT=true."""
    parsed: List[Tuple[str, str]] = []
    for item in assignments:
        name, sep, value = item.partition("=")
        if not sep:
            _fail(f"Failed to parse argument {item!r}. Use the format 'VAR=VAL'.")
        setting = _setting(name)
        try:
            setting.parse(value)
        except ValueError as exc:
            _fail(f"Validation error for setting {name!r}: {exc}\nInvalid setting value.")
        parsed.append((name, value))
    with locked(str(settings_module.profiles_path(os.environ))):
        path, document, profile, table = _profile_file()
        table.update(parsed)
        _save(path, document, profile, table)
    for name, value in parsed:
        click.echo(f"Set {name!r} to {value!r}.")
        if name in os.environ:
            click.echo(
                f"{name} is also set by an environment variable which will override your "
                f"config value. Run `unset {name}` to clear it."
            )
    click.echo(f"Updated profile {profile!r}.")


@config.command()
@click.argument("names", nargs=-1, required=True, metavar="KEY...")
def unset(names: Tuple[str, ...]) -> None:
    """Remove settings from the active profile."""
    for name in names:
        _setting(name)
    with locked(str(settings_module.profiles_path(os.environ))):
        path, document, profile, table = _profile_file()
        for name in names:
            if name not in table:
                _fail(f"{name!r} is not set in profile {profile!r}.")
        for name in names:
            del table[name]
        _save(path, document, profile, table)
    for name in names:
        click.echo(f"Unset {name!r}.")
    click.echo(f"Updated profile {profile!r}.")


@config.command()
@click.option("--show-defaults/--hide-defaults", default=False, help="Include default values.")
@click.option("--show-sources/--hide-sources", default=True, help="Say where each value is from.")
def view(show_defaults: bool, show_sources: bool) -> None:
    """Show the active profile and every setting that is not at its default."""
    settings_module.reload_settings()
    try:
        current = settings_module.get_current_settings()
    except ValueError as exc:
        _fail(str(exc))
    click.echo(f"PREFECT_PROFILE={current.profile!r}")
    for name in sorted(settings_module.SETTING_VARIABLES):
        setting = settings_module.SETTING_VARIABLES[name]
        source = current.source_of(setting)
        if source == "defaults" and not show_defaults:
            continue
        line = f"{name}='{current.value_of(setting)}'"
        click.echo(f"{line} (from {source})" if show_sources else line)
