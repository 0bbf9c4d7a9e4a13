"""The stock FlowRunner steps: Prefect's FlowRunner methods as functions of a `FlowRun`.

`flow_run.py` runs them in order (its docstring lists the steps) through
`FlowRun.call`, which looks each one up in `STOCK_FLOW` unless the FlowRunner
subclass overrides it; `engine/flow_runner.py` calls them one by one for Prefect's
public methods. Any step may end the run with ENDRUN(state). The flow's handlers
run through `handle_state_change`; `get_flow_run_state` is the pass itself: the
compiled graph, the task plans and the executor, then `determine_final_state`.
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Callable, NamedTuple

from prefect_compat import _context, _journal
from prefect_compat._engine import plan
from prefect_compat._engine.attempt import LOOP_NOTE
from prefect_compat._engine.flow_state import expand, flow_frame
from prefect_compat._engine.graph import compile_graph
from prefect_compat._engine.loop import run_pass
from prefect_compat._engine.remote import submitter
from prefect_compat.engine import get_default_executor_class, signals
from prefect_compat.engine.state import Failed, Pending, Running, Scheduled, State, Success
from prefect_compat.executors.base import check_executor

if TYPE_CHECKING:
    from prefect_compat._engine.flow_run import FlowRun

__all__ = [
    "STOCK_FLOW",
    "Initialized",
    "call_runner_target_handlers",
    "check_flow_is_pending_or_running",
    "check_flow_reached_start_time",
    "determine_final_state",
    "get_flow_run_state",
    "handle_state_change",
    "initialize_run",
    "resolve_executor",
    "set_flow_to_running",
]


def call_runner_target_handlers(fr: FlowRun, old: State, new: State) -> State:
    """The flow's own state handlers (its `on_failure` is the last of them)."""
    flow = fr.flow
    for handler in flow.state_handlers or ():
        replaced = handler(flow, old, new)
        if replaced is not None:
            new = replaced
    return new


def handle_state_change(fr: FlowRun, old: State, new: State) -> State:
    """The flow's handlers, then the runner's. As in Prefect, a state signal a handler
    raises gives its state, and any other error ends the run Failed, naming it."""
    runner = fr.hooks.runner
    fr.hooks.logger.debug(
        "Flow '%s': Handling state change from %s to %s",
        fr.flow.name,
        type(old).__name__,
        type(new).__name__,
    )
    try:
        if "call_runner_target_handlers" in fr.hooks.names:
            new = runner.call_runner_target_handlers(old, new)
        else:
            new = call_runner_target_handlers(fr, old, new)
        for handler in runner.state_handlers:
            replaced = handler(runner, old, new)
            if replaced is not None:
                new = replaced
    except (signals.PAUSE, signals.ENDRUN):
        raise
    except signals.PrefectStateSignal as sig:
        if _context.get("raise_on_exception"):
            raise
        return sig.state
    except Exception as exc:  # noqa: BLE001 - user handler code: the run ends Failed
        if _context.get("raise_on_exception"):
            raise
        message = f"Unexpected error while calling state handlers: {exc!r}"
        fr.hooks.logger.exception(message)
        raise signals.ENDRUN(Failed(message, result=exc)) from exc
    return new


class Initialized(NamedTuple):
    state: State
    task_states: dict[Any, State]
    context: dict[str, Any]
    task_contexts: dict[Any, dict[str, Any]]


def initialize_run(  # noqa: PLR0913 - Prefect's FlowRunner.initialize_run arguments
    fr: FlowRun,
    state: State | None,
    task_states: dict[Any, State],
    context: dict[str, Any],
    task_contexts: dict[Any, dict[str, Any]],
    parameters: dict[str, Any],
) -> Initialized:
    """The flow-level keys go into `context` (updated in place, as Prefect does)."""
    flow_frame(fr.flow, context, parameters)
    fr.missing = sorted(
        p.name for p in fr.flow.parameters() if p.required and p.name not in context["parameters"]
    )
    while state is not None and state.is_meta_state():  # Submitted(Running) -> Running
        state = state.state  # type: ignore[attr-defined]
    return Initialized(
        state if state is not None else Pending(), task_states, context, task_contexts
    )


def check_flow_is_pending_or_running(fr: FlowRun, state: State) -> State:
    if state.is_pending() or state.is_running():
        return state
    if state.is_finished():
        fr.hooks.logger.info("Flow run has already finished.")
    else:
        fr.hooks.logger.info("Flow is not ready to run.")
    raise signals.ENDRUN(state)


def check_flow_reached_start_time(fr: FlowRun, state: State) -> State:
    start = state.start_time if isinstance(state, Scheduled) else None
    if start is not None and start > datetime.now(timezone.utc):
        raise signals.ENDRUN(state)
    return state


def set_flow_to_running(fr: FlowRun, state: State) -> State:
    if state.is_pending():
        return fr.transition(state, Running("Running flow."))
    if state.is_running():
        return state
    raise signals.ENDRUN(state)


def get_flow_run_state(  # noqa: PLR0913, PLR0917 - FlowRunner.get_flow_run_state's arguments
    fr: FlowRun,
    state: State,
    task_states: dict[Any, State],
    task_contexts: dict[Any, dict[str, Any]],
    return_tasks: Any,
    task_runner_state_handlers: Any,
    executor: Any,
) -> State:
    """Run every unfinished task once; the flow's state after that pass.

    `task_states` is updated in place with every task's state, as in Prefect.
    """
    if not state.is_running():
        fr.hooks.logger.info("Flow is not in a Running state.")
        raise signals.ENDRUN(state)
    flow = fr.flow
    if return_tasks is not flow.tasks:  # Flow.run asks for every task: nothing to check
        return_tasks = set(return_tasks or ())
    if return_tasks is not flow.tasks and not return_tasks <= flow.tasks:
        error = ValueError("Some tasks in return_tasks were not found in the flow.")
        return fr.transition(state, Failed(f"Unexpected error: {error!r}", result=error))
    graph = compile_graph(flow)
    plans = plan.runner_plans(flow, fr.hooks, graph, tuple(task_runner_state_handlers or ()))
    for task, extra in (task_contexts or {}).items():
        if task in plans:
            plans[task].frame.update(extra)
    executor = resolve_executor(flow, executor if executor is not None else fr.executor)
    for task in graph.restarting:  # a new pass sets resources up again and re-reads secrets
        previous = task_states.get(task)
        if previous is not None and previous.is_finished() and not previous.is_cached():
            task_states[task] = Pending()
    with executor.start(), _cancellation(fr):
        states = _run_passes(fr, plans, graph.order, task_states, executor)
    returned = {t: states.get(t, Pending("Task not run.")) for t in return_tasks}
    final = fr.call(
        "determine_final_state",
        state,
        key_states=set(expand(states[t] for t in flow.reference_tasks())),
        return_states=returned,
        terminal_states=set(expand(states[t] for t in flow.terminal_tasks())),
    )
    return fr.transition(state, final)


def _run_passes(
    fr: FlowRun,
    plans: dict[Any, Any],
    order: tuple[Any, ...],
    states: dict[Any, State],
    executor: Any,
) -> dict[Any, State]:
    """One pass over the tasks, noted in the run journal as task runs end (inline
    executors); in a resumed run, again for the tasks whose checkpoints were lost."""
    journal = _journal.current()
    note = journal.note if journal is not None and executor.inline else None
    if note is not None:
        journal.live = True  # type: ignore[union-attr]
    token = LOOP_NOTE.set(note)
    try:
        submit, deferred = submitter(executor), not executor.inline
        states = run_pass(plans, order, states, submit, executor.wait, deferred, note=note)
        for _ in range(len(order) + 1):
            if not _journal.requeue(fr.flow, states):
                break
            states = run_pass(plans, order, states, submit, executor.wait, deferred, note=note)
    finally:
        LOOP_NOTE.reset(token)
    return states


def _cancellation(fr: FlowRun) -> AbstractContextManager[Any]:
    """A FlowRunner subclass's `check_for_cancellation()` around the pass (stock: none)."""
    if "check_for_cancellation" in fr.hooks.names:
        return fr.hooks.runner.check_for_cancellation()  # type: ignore[no-any-return]
    return nullcontext()


def determine_final_state(
    fr: FlowRun,
    state: State,
    key_states: set[State],
    return_states: dict[Any, State],
    terminal_states: set[State],
) -> State:
    """Running while terminal tasks are unfinished; else judged by the reference tasks.
    The flow's `terminal_state_handler` hears the outcome either way, as in Prefect."""
    if not all(s.is_finished() for s in terminal_states):
        fr.hooks.logger.info("Flow run RUNNING: terminal tasks are incomplete.")
        state.result = return_states  # the same state: nothing changed, no handlers
        final: State = state
    elif any(s.is_failed() for s in key_states):
        fr.hooks.logger.info("Flow run FAILED: some reference tasks failed.")
        message = "Some reference tasks failed."
        if fr.missing:
            message += " Required parameters were not provided: " + ", ".join(fr.missing) + "."
        final = Failed(message, result=return_states)
    elif all(s.is_successful() for s in key_states):
        fr.hooks.logger.info("Flow run SUCCESS: all reference tasks succeeded")
        final = Success("All reference tasks succeeded.", result=return_states)
    else:
        fr.hooks.logger.info("Flow run SUCCESS: no reference tasks failed")
        final = Success("No reference tasks failed.", result=return_states)
    handler = fr.flow.terminal_state_handler
    if handler is not None:
        replaced = handler(fr.flow, final, key_states)
        final = replaced if replaced is not None else final
    return final


STOCK_FLOW: dict[str, Callable[..., Any]] = {
    "initialize_run": initialize_run,
    "check_flow_is_pending_or_running": check_flow_is_pending_or_running,
    "check_flow_reached_start_time": check_flow_reached_start_time,
    "set_flow_to_running": set_flow_to_running,
    "get_flow_run_state": get_flow_run_state,
    "determine_final_state": determine_final_state,
    "call_runner_target_handlers": call_runner_target_handlers,
    "handle_state_change": handle_state_change,
}


def resolve_executor(flow: Any, executor: Any) -> Any:
    """The executor a run uses: the argument, the flow's, else the configured default."""
    if executor is None:
        executor = flow.executor or get_default_executor_class()()
    return check_executor(executor)
