"""The log lines of a Prefect 2.x flow or task run, as 2.x prints them.

A 2.x run says what it does on 2.x's loggers, not on `prefect.TaskRunner` (whose
lines are the 1.x runners'): `prefect.engine` announces a flow run, `prefect.flow_runs`
the task runs it creates and how it ends, `prefect.task_runs` how each task run ends
and what it raised. Each record carries the run's name (`flow_run_name` or
`task_run_name`), and the `prefect` handler prints them in 2.x's console format
(`utilities/_log_lines.py`), e.g. (the first line cut short here)

    03:21:13.210 | INFO    | Flow run 'bouncy-chowchow' - Executing 'my_task-20c6ece6-0' ...
    03:21:13.270 | INFO    | Task run 'my_task-20c6ece6-0' - Finished in state Completed()

A run that does not end Completed says so at ERROR, as in 2.x. The frequent lines go
through `RunnerLine.emit_run`: no LogRecord when only the `prefect` handler listens.
"""

from __future__ import annotations

import logging
from typing import Any

from prefect_compat.states import StateType
from prefect_compat.utilities.logging import RunnerLine

__all__ = [
    "SILENT",
    "flow_created",
    "flow_error",
    "flow_finished",
    "task_created",
    "task_error",
    "task_finished",
    "task_retrying",
]

ENGINE = logging.getLogger("prefect.engine")
FLOW_RUNS = logging.getLogger("prefect.flow_runs")
TASK_RUNS = logging.getLogger("prefect.task_runs")
_ENGINE, _FLOWS, _TASKS = RunnerLine(ENGINE), RunnerLine(FLOW_RUNS), RunnerLine(TASK_RUNS)
INFO, ERROR = logging.INFO, logging.ERROR

# The runner logger of a 2.x task's plan: the 1.x runner lines stay out of 2.x runs.
SILENT = logging.Logger("prefect.TaskRunner", logging.CRITICAL + 1)
SILENT.propagate = False


def _level(state: Any) -> int:
    return INFO if state.type is StateType.COMPLETED else ERROR


def flow_created(context: Any, parent: Any) -> None:
    run = context.flow_run
    if parent is None:
        _ENGINE.emit_run(
            INFO, run.name, "Created flow run %r for flow %r", run.name, context.flow.name
        )
    else:
        _FLOWS.emit_run(
            INFO,
            parent.flow_run.name,
            "Created subflow run %r for flow %r",
            run.name,
            context.flow.name,
        )


def flow_finished(context: Any, state: Any) -> None:
    _FLOWS.emit_run(_level(state), context.flow_run.name, "Finished in state %s", state)


def flow_error(context: Any, error: BaseException) -> None:
    FLOW_RUNS.error(
        "Encountered exception during execution:",
        exc_info=(type(error), error, error.__traceback__),
        extra={"flow_run_name": context.flow_run.name},
    )


def task_created(flow_context: Any, context: Any, submitted: bool) -> None:
    flow_run = flow_context.flow_run.name
    _FLOWS.emit_run(
        INFO, flow_run, "Created task run %r for task %r", context.name, context.task.name
    )
    if submitted:
        _FLOWS.emit_run(INFO, flow_run, "Submitted task run %r for execution.", context.name)
    else:
        _FLOWS.emit_run(INFO, flow_run, "Executing %r immediately...", context.name)


def task_retrying(context: Any) -> None:
    _TASKS.emit_run(
        INFO,
        context.name,
        "Received non-final state 'AwaitingRetry' when proposing final state 'Failed' and "
        "will attempt to run again...",
    )


def task_finished(context: Any, state: Any) -> None:
    _TASKS.emit_run(_level(state), context.name, "Finished in state %s", state)


def task_error(context: Any, error: BaseException) -> None:
    TASK_RUNS.error(
        "Encountered exception during execution:",
        exc_info=(type(error), error, error.__traceback__),
        extra={"task_run_name": getattr(context, "name", None)},
    )
