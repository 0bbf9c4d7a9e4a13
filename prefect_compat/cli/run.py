"""`prefect-compat run SCRIPT.py`: run a Core-era script, unchanged, on prefect-compat.

Steps: check the script exists and compiles (exit 2 otherwise); install the `prefect`
import alias; apply the options through configuration *before* the script runs, so
they reach the flows the script runs itself (`engine.executor.default_class`,
`flows.checkpointing` plus the context key `checkpointing`); watch every flow run the
script starts (`progress.Session`, an observer of the engine's one entry); execute the
script as `__main__`; if it ran no flow, run the
one it defines (or `--flow NAME`) with the `--param` values; print a summary per flow
run. Exit 0 when every flow run succeeded, 1 when one did not (or the script raised),
2 for usage errors. Prefect 2.x `@flow` calls the script makes count as its flow runs
(`observers.watch_v2_flows`; they print their own 2.x lines, no summary), and a `@flow`
it only defines is called with the `--param` values as arguments.

`--result-dir DIR` gives every flow that has no `result` of its own a flow-level
`LocalResult(dir=DIR, location="{flow_name}/{flow_run_id}/{task_full_name}.pkl")` when
it runs, so its tasks checkpoint under DIR, one directory per run. Tasks and flows with
a Result of their own keep it (their default directory stays `<home_dir>/results`).
`--checkpoint` is still needed unless checkpointing is already on.

`--resume last|RUN_ID` resumes a run recorded in the run journal (docs/resume.md):
the first flow run the script starts takes the task runs of that run that ended
successful with a checkpoint that still exists, and runs the rest; its parameters
default to that run's. `--force` resumes what still matches when the flow changed.
The journal records the script's path with every run it starts.

Precedence: `--param` values also override the matching parameters of flows the script
runs itself. They are checked when a flow's runner receives the flow, before any of
its tasks runs (`_checks.check_parameter_values`): a name that no flow of the script
declares, or a value that does not suit the parameter's default, is a usage error;
`--checkpoint/--no-checkpoint` wins over the script's own `set_temporary_config`;
`--executor` only sets the default, so a flow's own executor (`Flow(executor=...)`,
`flow.run(executor=...)`) still wins.
"""

from __future__ import annotations

import asyncio
import builtins
import importlib.machinery
import inspect
import os
import sys
import types
from typing import Any

import click

from prefect_compat.cli._checks import UsageFailure, describe_parameters, report_exception

__all__ = ["UsageFailure", "describe_parameters", "run"]

EXECUTORS = ("local", "threads", "processes", "dask")


def _parse_params(ctx: click.Context, param: click.Parameter, values: tuple) -> dict[str, str]:
    """KEY=VALUE pairs as typed; `Session` casts them (and keeps the text for str params)."""
    parsed: dict[str, str] = {}
    for item in values:
        key, sep, raw = item.partition("=")
        if not sep or not key.strip():
            raise click.BadParameter(f"expected KEY=VALUE, got {item!r}", ctx=ctx, param=param)
        parsed[key.strip()] = raw
    return parsed


def _load_script(path: str) -> Any:
    if not os.path.isfile(path):
        what = "is a directory" if os.path.isdir(path) else "does not exist"
        raise UsageFailure(f"Script {path!r} {what}.")
    with open(path, "rb") as fh:
        source = fh.read()
    try:
        return compile(source, path, "exec", dont_inherit=True)
    except SyntaxError as exc:
        where = f"{exc.filename}:{exc.lineno}" if exc.lineno else path
        raise UsageFailure(f"Script {path!r} does not parse: {where}: {exc.msg}") from exc
    except ValueError as exc:  # e.g. null bytes in the source
        raise UsageFailure(f"Script {path!r} cannot be compiled: {exc}") from exc


def _local_dask_executor() -> Any:
    import importlib

    for module in ("prefect_compat.executors", "prefect_compat.executors.dask"):
        try:
            found = getattr(importlib.import_module(module), "LocalDaskExecutor", None)
        except ModuleNotFoundError:
            found = None
        if found is not None:
            return found
    raise UsageFailure(
        "--executor threads/processes needs LocalDaskExecutor, which this installation of "
        "prefect-compat does not provide; use --executor local."
    )


def _executor_factory(name: str) -> Any:
    """A zero-argument callable building the executor (what the config key may hold)."""
    import functools
    import importlib.util

    if name == "local":
        from prefect_compat.executors import LocalExecutor

        return LocalExecutor
    needs = "distributed" if name == "dask" else "dask"
    if importlib.util.find_spec(needs) is None:
        raise UsageFailure(f"--executor {name} needs {needs}: pip install 'prefect-compat[dask]'")
    if name == "dask":
        from prefect_compat import executors

        found = getattr(executors, "DaskExecutor", None)
        if found is None:
            from prefect_compat.executors.dask import DaskExecutor as found
        return found
    return functools.partial(_local_dask_executor(), scheduler=name)


def _configure(executor: str | None, checkpoint: bool | None) -> None:
    from prefect_compat import _context
    from prefect_compat.configuration import config

    if executor is not None:
        config.engine.executor.default_class = _executor_factory(executor)
    if checkpoint is not None:
        config.flows.checkpointing = checkpoint
        # the context key wins over a script's own set_temporary_config: the flag is explicit
        _context.assign("checkpointing", checkpoint)


def _exec_script(path: str, code: Any, argv: list[str]) -> tuple[Any, int]:
    """Run `code` as `__main__`; returns (module, status): 0 ok, else its exit status."""
    module = types.ModuleType("__main__")
    module.__file__ = path
    # multiprocessing's spawn (distributed's Nanny uses it) re-runs a file-based __main__ in
    # each child, where `import prefect` has no alias; a spec named "__main__" tells it to
    # skip that. Workers get the script's functions by value (cloudpickle) instead.
    module.__spec__ = importlib.machinery.ModuleSpec("__main__", None, origin=path)
    module.__dict__["__builtins__"] = builtins
    sys.modules["__main__"] = module
    sys.argv = [path, *argv]
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    try:
        exec(code, module.__dict__)
    except SystemExit as exc:
        if exc.code is None or exc.code == 0:
            return module, 0
        if not isinstance(exc.code, int):
            print(exc.code, file=sys.stderr)
        return module, exc.code if isinstance(exc.code, int) else 1
    except UsageFailure:  # e.g. a --param the flow the script runs does not declare
        raise
    except ValueError as exc:
        _raise_resume_error(exc)
        report_exception(exc, path)
        return module, 1
    except Exception as exc:  # noqa: BLE001 - the user's script failed: report it, exit 1
        report_exception(exc, path)
        return module, 1
    return module, 0


def _v2_flow_type() -> type[Any]:
    from prefect_compat.flows import Flow

    return Flow


def _defined_flows(module: Any) -> list[tuple[str, Any]]:
    """1.x `Flow` objects and 2.x `@flow` functions defined at module level."""
    from prefect_compat.core.flow import Flow

    kinds = (Flow, _v2_flow_type())
    seen: set[int] = set()
    found = []
    for var, value in list(module.__dict__.items()):
        if isinstance(value, kinds) and id(value) not in seen:
            seen.add(id(value))
            found.append((var, value))
    return found


def _pick_flow(defined: list[tuple[str, Any]], name: str | None, path: str) -> Any:
    names = ", ".join(repr(f.name) for _, f in defined)
    if name is not None:
        for var, flow in defined:
            if name in (flow.name, var):
                return flow
        listed = f"it defines {names}" if defined else "it defines no Flow at module level"
        raise UsageFailure(f"No flow named {name!r} in {path!r}: {listed}.")
    if not defined:
        raise UsageFailure(
            f"{path!r} ran no flow and defines no Flow at module level; nothing to run."
        )
    if len(defined) > 1:
        raise UsageFailure(
            f"{path!r} defines {len(defined)} flows ({names}); pick one: --flow NAME"
        )
    return defined[0][1]


def _declared(flow: Any) -> tuple[list[str], set[str], str]:
    """(parameter names, required ones, how to show them) of a 1.x or 2.x flow."""
    if isinstance(flow, _v2_flow_type()):  # the function's own arguments
        kinds = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
        params = flow._signature.parameters
        required = {n for n, p in params.items() if p.default is p.empty and p.kind in kinds}
        return list(params), required, ", ".join(params) or "none"
    declared = {p.name: p for p in flow.parameters()}
    required = {n for n, p in declared.items() if p.required}
    return list(declared), required, describe_parameters(flow)


def _check_parameters(flow: Any, params: dict[str, Any]) -> None:
    names, required, shown = _declared(flow)
    unknown = sorted(set(params) - set(names))
    if unknown:
        raise UsageFailure(
            f"Flow {flow.name!r} has no parameter {', '.join(map(repr, unknown))}; its "
            f"parameters are: {shown}."
        )
    missing = sorted(required - set(params))
    if missing:
        raise UsageFailure(
            f"Flow {flow.name!r} requires --param for {', '.join(map(repr, missing))}; its "
            f"parameters are: {shown}."
        )


def _unused_parameters(session: Any) -> None:
    unused = sorted(set(session.parameters) - session.used_parameters)
    if unused:
        flows = (
            "; ".join(f"{r.name!r}: {describe_parameters(r.flow)}" for r in session.records)
            or "no flow ran"
        )
        raise UsageFailure(
            f"--param {', '.join(map(repr, unused))} matched no parameter of the flows the "
            f"script ran ({flows})."
        )


def _raise_resume_error(exc: Exception) -> None:
    """A failed `--resume` is a usage error: one line, exit 2."""
    from prefect_compat._journal.resume import ResumeError

    if isinstance(exc, ResumeError):
        raise UsageFailure(f"--resume: {exc}") from None


def _run_flow(flow: Any, params: dict[str, Any]) -> int:
    if isinstance(flow, _v2_flow_type()):  # a 2.x flow: call it (it logs its own lines)
        call: Any = flow
        state = call(**params, return_state=True)
        if inspect.iscoroutine(state):  # an async flow
            state = asyncio.run(state)
        return 0 if state.is_completed() else 1
    try:
        flow.run(parameters=params)
    except UsageFailure:
        raise
    except ValueError as exc:
        _raise_resume_error(exc)
        report_exception(exc)
        return 1
    except Exception as exc:  # noqa: BLE001 - e.g. a cycle found at run time: report, exit 1
        report_exception(exc)
        return 1
    return 0


def _make_display() -> Any:
    from prefect_compat.cli import progress

    return progress.LiveDisplay() if sys.stdout.isatty() else progress.PlainDisplay()


def _run_script(opts: dict[str, Any]) -> int:
    import prefect_compat
    from prefect_compat.cli.progress import Session

    code = _load_script(opts["script"])
    prefect_compat.install_alias()
    _configure(opts["executor"], opts["checkpoint"])
    _journal_options(opts)
    saved_main, saved_argv = sys.modules.get("__main__"), list(sys.argv)
    with Session(_make_display(), opts["params"], opts["result_dir"]) as session:
        try:
            module, status = _exec_script(opts["script"], code, list(opts["script_args"]))
            ran = [r.flow for r in session.records] + [flow for flow, _ in session.v2_runs]
            if status == 0 and (opts["flow"] is not None or not ran):
                flow = _pick_flow(_defined_flows(module), opts["flow"], opts["script"])
                if flow not in ran:
                    _check_parameters(flow, session.parameters)
                    if isinstance(flow, _v2_flow_type()):
                        status = _run_flow(flow, session.parameters)
                        session.used_parameters.update(session.parameters)
                    else:
                        status = _run_flow(flow, session.overrides_for(flow))
            if session.usage_error is not None:  # even if the script caught it
                raise session.usage_error
            if status == 0:
                _unused_parameters(session)
                _unused_resume()
        finally:
            session.print_summaries()
            sys.argv = saved_argv
            if saved_main is not None:
                sys.modules["__main__"] = saved_main
    return status or session.exit_code()


def _journal_options(opts: dict[str, Any]) -> None:
    from prefect_compat._journal import writer

    writer.SCRIPT[0] = os.path.abspath(opts["script"])
    if opts["resume"] is not None:
        writer.CLI_REQUEST[:] = [(opts["resume"], opts["force"])]
    elif opts["force"]:
        raise UsageFailure("--force only applies with --resume last|RUN_ID.")


def _unused_resume() -> None:
    from prefect_compat._journal import writer

    if writer.CLI_REQUEST:
        raise UsageFailure(
            "--resume was not used: the script started no flow run through flow.run() "
            "(a FlowRunner's run() cannot resume)."
        )


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("script", metavar="SCRIPT.py")
@click.argument("script_args", nargs=-1, type=click.UNPROCESSED, metavar="[-- SCRIPT_ARGS...]")
@click.option(
    "--param",
    "-p",
    "params",
    multiple=True,
    metavar="KEY=VALUE",
    callback=_parse_params,
    help="Flow parameter; VALUE is read as a Python literal, else a string. Repeatable.",
)
@click.option(
    "--executor",
    type=click.Choice(EXECUTORS),
    default=None,
    help="Default executor (a flow's own executor still wins). threads/processes: "
    "LocalDaskExecutor; dask: DaskExecutor on a local cluster.",
)
@click.option(
    "--checkpoint/--no-checkpoint",
    default=None,
    help="Force checkpointing on or off (default: as configured / as the script sets it).",
)
@click.option(
    "--result-dir",
    type=click.Path(file_okay=False),
    default=None,
    help="Give flows without a result of their own LocalResult(dir=DIR).",
)
@click.option("--flow", "flow", default=None, metavar="NAME", help="The flow to run, by name.")
@click.option(
    "--resume",
    default=None,
    metavar="last|RUN_ID",
    help="Resume a recorded run (`prefect-compat runs ls`): its successful task runs whose "
    "checkpoints still exist are not run again.",
)
@click.option(
    "--force", is_flag=True, help="With --resume: resume what still matches a changed flow."
)
def run(**opts: Any) -> None:
    """Run SCRIPT.py (written for Prefect Core, `import prefect` style) on prefect-compat.

    The script runs as __main__, so its own flow.run() calls happen; if it runs no
    flow, the flow it defines is run with the --param values. Exit status: 0 when
    every flow run succeeded, 1 when one failed, 2 for usage errors.
    """
    try:
        code = _run_script(opts)
    except UsageFailure as exc:
        click.echo(f"Error: {exc}", err=True)
        code = 2
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        code = 130
    sys.exit(code)
