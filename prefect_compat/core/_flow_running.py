"""What `Flow.run()` does before the engine: run config, schedule, runner class.

`Flow` keeps Prefect's method signatures and delegates here, so `core/flow.py` stays
about the graph. A run applies a LocalRun/UniversalRun's env and working directory
(`_run_config.py`), follows the flow's schedule when one applies (`_scheduled_run.py`),
and hands each run to the engine's one entry (`_engine/flow_run.py: start_flow`) with
the configured FlowRunner class's hooks.
"""

from __future__ import annotations

import warnings
from typing import Any

from prefect_compat import _context
from prefect_compat.core import _run_config, _scheduled_run
from prefect_compat.exceptions import no_backend

__all__ = ["register", "run"]


def run(
    flow: Any,
    parameters: dict[str, Any] | None,
    run_on_schedule: bool | None,
    runner_cls: type | None,
    kwargs: dict[str, Any],
) -> Any:
    """`flow.run(parameters, run_on_schedule, runner_cls, **kwargs)`."""
    from prefect_compat._engine.flow_run import start_flow
    from prefect_compat.engine import get_default_flow_runner_class
    from prefect_compat.engine.flow_runner import flow_hooks

    def run_once(run_parameters: dict | None, run_kwargs: dict) -> Any:
        runner = (runner_cls or get_default_flow_runner_class())(flow=flow)
        return start_flow(flow, flow_hooks(runner), run_parameters, run_kwargs)

    with _run_config.applied(flow.run_config):
        if not _scheduled_run.schedule_applies(flow, run_on_schedule):
            return run_once(parameters, kwargs)
        params, context, rest = _scheduled_run.split_run_arguments(flow, parameters, kwargs)
        return _scheduled_run.run_on_schedule(
            flow,
            flow.schedule,
            lambda run_parameters, run_context: run_once(
                run_parameters, {**rest, "context": run_context}
            ),
            params,
            context,
        )


def register(flow: Any) -> None:
    """`flow.register()`: a warning while a flow file loads (as Prefect), else the error."""
    if _context.get("loading_flow"):
        warnings.warn(
            "Attempting to call `flow.register` during execution of flow file will lead "
            "to unexpected results.",
            UserWarning,
            stacklevel=3,
        )
        return
    raise no_backend(f"flow.register() of flow {flow.name!r}")
