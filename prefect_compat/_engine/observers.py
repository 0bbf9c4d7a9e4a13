"""Who watches flow runs: `prefect-compat run` (cli/progress.py) through these hooks.

`add_observer` hears every 1.x flow run the engine's one entry starts (`flow_run.
run_flow`), whatever runner class started it; `watch_v2_flows` hears the final state
of every 2.x flow call that is not a subflow (`flow_calls.py`).
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any, Callable

__all__ = ["OBSERVERS", "V2_WATCHERS", "Observer", "add_observer", "observed", "watch_v2_flows"]

Observer = Callable[[Any, Any, "dict[str, Any]"], "Callable[[Any], None] | None"]
OBSERVERS: list[Observer] = []
# True while an observed run is in progress in this context: a run started inside it (a
# runner subclass's `run` calling `super().run`) is part of it, not a new one
observed: ContextVar[bool] = ContextVar("prefect_compat.run_observed", default=False)


def add_observer(observer: Observer) -> Callable[[], None]:
    """Watch every flow run from now on; returns the function that stops watching.

    `observer(flow, runner, options)` is called when a run starts (whatever runner
    class runs it, `flow.run()` or `FlowRunner(flow).run()`); it may change the run's
    `options` (`parameters`, `task_runner_state_handlers`) and may return a callable
    that receives the run's final state. This is how `prefect-compat run` sees the
    flows a script runs.
    """
    OBSERVERS.append(observer)
    return lambda: OBSERVERS.remove(observer)


# Watchers of Prefect 2.x flow calls that are not subflows: `watcher(flow, final_state)`.
V2_WATCHERS: list[Callable[[Any, Any], None]] = []


def watch_v2_flows(watcher: Callable[[Any, Any], None]) -> Callable[[], None]:
    """Hear the final state of every 2.x flow call that is not a subflow (`@flow`
    functions run by a script); returns the function that stops it. `prefect-compat
    run` counts them as flow runs of the script."""
    V2_WATCHERS.append(watcher)
    return lambda: V2_WATCHERS.remove(watcher)
