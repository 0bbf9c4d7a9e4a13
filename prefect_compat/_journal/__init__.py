"""The run journal: every flow run and task run recorded in an SQLite file; resume.

On by default (`[journal]` in the configuration: `enabled`, `path`, default
`<home_dir>/journal.db`, `keep_runs`). The engine's one entry (`_engine/flow_run.py`)
calls `begin` when a pass starts and `end_pass` when it ends, hands each task run's
final state to `JournalRun.note` (see `_engine/loop.py`), and asks `prepare_resume`
for the starting states of `flow.run(resume=...)`.

  writer.py       the run being recorded, on the run's path: settings, scopes, notes
  batch.py        the background thread that turns notes into rows and commits them
  store.py        the SQLite file: schema, connections, queries, retention
  shape.py        a flow's slugs and edges, its fingerprint, and how two shapes differ
  values.py       parameters and checkpoint locations as stored
  checkpoints.py  a recorded checkpoint read back (lazily) if it still exists
  resume.py       which task runs of a recorded run start from their checkpoints

Importing this package is cheap: `sqlite3` loads with the first journaled run.
"""

from __future__ import annotations

from typing import Any

from prefect_compat._journal.writer import (
    JournalRun,
    Scope,
    begin,
    current,
    end_pass,
    flush,
    resuming,
    settings,
)

__all__ = [
    "JournalRun",
    "Scope",
    "begin",
    "cli_request",
    "current",
    "end_pass",
    "flush",
    "prepare_resume",
    "requeue",
    "resume_from",
    "resuming",
    "settings",
]


def resume_from(flow: Any, parameters: Any, kwargs: dict[str, Any]) -> tuple[Any, Any]:
    """`flow.run(resume=..., force_resume=...)` (or `prefect-compat run --resume`): the
    run journal's plan for the run (None: no resume) and the run's parameters, with
    the resumed run's as defaults; the resumed task states go into `kwargs`."""
    spec, force = kwargs.pop("resume", None), bool(kwargs.pop("force_resume", False))
    if spec is None:
        spec, force = cli_request()
    if spec is None:
        return None, parameters
    declared = {p.name for p in flow.parameters()}
    given = {**(parameters or {}), **{k: v for k, v in kwargs.items() if k in declared}}
    plan = prepare_resume(flow, spec, force, given)
    kwargs["task_states"] = {**plan.task_states, **(kwargs.get("task_states") or {})}
    return plan, {**plan.parameters, **(parameters or {})}


def prepare_resume(flow: Any, spec: Any, force: bool, given: dict[str, Any]) -> Any:
    """The ResumePlan of `flow.run(resume=spec)` (raises ResumeError on bad input)."""
    from prefect_compat._journal.resume import prepare

    return prepare(flow, spec, force, given)


def requeue(flow: Any, states: dict[Any, Any]) -> bool:
    """After a pass of a resumed run: rerun tasks whose checkpoints could not be read."""
    from prefect_compat._journal.resume import requeue as requeue_lost

    resumed = resuming(flow)
    return resumed is not None and requeue_lost(flow, states, resumed.run.id)


def cli_request() -> tuple[Any, bool]:
    """`prefect-compat run --resume`'s (spec, force), for the first flow run only."""
    from prefect_compat._journal.writer import CLI_REQUEST

    if not CLI_REQUEST:
        return None, False
    spec, force = CLI_REQUEST.pop()
    return spec, force
