"""Usage checks shared by `run` and its flow-run observer: parameters and error reports.

`--param` values are checked against a flow when its runner receives it, before any
task runs: every name must be a parameter of that flow or of another flow the script
defines, and a value must suit the parameter's default (an int default wants an int,
a str default gets the text as typed). Errors raised by prefect-compat about the
user's input are reported on one line; errors from the user's own code keep their
traceback.
"""

from __future__ import annotations

import os
import traceback
from typing import Any, Iterable

__all__ = [
    "ParameterError",
    "UsageFailure",
    "check_parameter_values",
    "describe_parameters",
    "report_exception",
]


class UsageFailure(Exception):
    """A usage error found after option parsing: message printed, exit code 2."""


class ParameterError(UsageFailure):
    """A --param value that does not fit the flow; raised before any task runs."""


def describe_parameters(flow: Any) -> str:
    parts = [
        f"{p.name} (required)" if p.required else f"{p.name} (default {p.default!r})"
        for p in sorted(flow.parameters(), key=lambda p: p.name)
    ]
    return ", ".join(parts) if parts else "none"


def _fits(default: Any, value: Any) -> bool:
    """Whether `value` has the kind of type the parameter's default has."""
    if isinstance(default, bool):
        return isinstance(value, bool)
    if isinstance(default, int):
        return isinstance(value, int) and not isinstance(value, bool)
    if isinstance(default, float):
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if isinstance(default, (list, tuple)):
        return isinstance(value, (list, tuple))
    if isinstance(default, (dict, set)):
        return isinstance(value, type(default))
    return True  # None, datetimes, objects: nothing to compare against


def check_parameter_values(
    flow: Any, values: dict[str, Any], raw: dict[str, str], others: Iterable[Any] = ()
) -> dict[str, Any]:
    """The `--param` values `flow` declares, checked and converted; ParameterError if not.

    `others`: the other flows the script defines; a name one of them declares is left
    for that flow.
    """
    declared = {p.name: p for p in flow.parameters()}
    elsewhere = {p.name for other in others if other is not flow for p in other.parameters()}
    unknown = sorted(n for n in values if n not in declared and n not in elsewhere)
    if unknown:
        raise ParameterError(
            f"--param {', '.join(map(repr, unknown))} matched no parameter of flow "
            f"{flow.name!r} (its parameters are: {describe_parameters(flow)}) or of another "
            "flow the script defines; nothing was run."
        )
    chosen: dict[str, Any] = {}
    for name in sorted(set(values) & set(declared)):
        default, value = declared[name].default, values[name]
        if isinstance(default, str) and not isinstance(value, str):
            value = raw[name]  # a str parameter gets the text as typed ("007", "[1]")
        elif default is not None and value is not None and not _fits(default, value):
            raise ParameterError(
                f"--param {name}={raw[name]} is a {type(value).__name__}, but parameter "
                f"{name!r} of flow {flow.name!r} defaults to the {type(default).__name__} "
                f"{default!r}; pass a {type(default).__name__} (e.g. -p {name}={default!r}). "
                "Nothing was run."
            )
        chosen[name] = value
    return chosen


def _frames(exc: BaseException) -> list[traceback.FrameSummary]:
    return list(traceback.extract_tb(exc.__traceback__))


def _ours(filename: str) -> bool:
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    return os.path.abspath(filename).startswith(os.path.join(package, ""))


def is_user_error(exc: BaseException) -> bool:
    """Raised by prefect-compat about the user's input (not a bug in the user's code)."""
    from prefect_compat._config import ConfigError
    from prefect_compat._storage.base import StorageError
    from prefect_compat.exceptions import ResultReadError

    if isinstance(exc, (ConfigError, StorageError, ResultReadError, UsageFailure)):
        return True
    frames = _frames(exc)
    return isinstance(exc, (TypeError, ValueError)) and bool(frames) and _ours(frames[-1].filename)


def report_exception(exc: BaseException, script: str | None = None) -> None:
    """Print `exc`: one `Error:` line for a user error, else the traceback (script frames)."""
    import click

    if is_user_error(exc):
        where = ""
        if script is not None:
            mine = [
                f for f in _frames(exc) if os.path.abspath(f.filename) == os.path.abspath(script)
            ]
            if mine:
                where = f"{script}:{mine[-1].lineno}: "
        message = " ".join(str(exc).split()) or type(exc).__name__
        click.echo(f"Error: {where}{type(exc).__name__}: {message}", err=True)
        return
    tb = exc.__traceback__
    traceback.print_exception(type(exc), exc, tb.tb_next if tb else None)
