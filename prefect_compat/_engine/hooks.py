"""Runner hooks: a user's TaskRunner subclass method, called at its point of the run.

The public runners keep Prefect's method names (`check_task_trigger`,
`get_task_run_state`, ...). A subclass may override any of them; its face tells the
engine which names it overrides (see `engine/runner.py`), and `plan.py` then puts an
adapter from this module at that point of the pipeline. The adapter calls the bound
method with Prefect's arguments and takes its answer: the new State, or ENDRUN(state)
to end the run there. Stock runners override nothing, so their plans hold the plain
step functions and pay nothing for this module.

State handlers around an override are the override's business, as in Prefect: a
method decorated with `call_state_handlers` fires them itself; an undecorated one
changes the state silently.

`STOCK` maps each step name to the engine's own step function; the faces call those
when a method is used directly (`TaskRunner(task).check_task_trigger(state, ups)`).
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any, Callable

from prefect_compat import _context
from prefect_compat._engine import caching, mapping
from prefect_compat._engine import pipeline as p
from prefect_compat._engine.taskrun import EndRun, TaskRun, label
from prefect_compat.engine import signals
from prefect_compat.engine.state import Failed, Mapped, State

__all__ = [
    "FLOW_HOOKS",
    "STOCK",
    "TASK_HOOKS",
    "adapt_initialize",
    "adapt_looping",
    "adapt_run",
    "adapt_step",
    "calling_run",
    "via_handle_state_change",
]

Step = Callable[[TaskRun], None]

# The run whose override is being called: a `super()` call from the override runs
# the stock step on that run's plan and frame (see TaskRunner._step).
_calling: ContextVar[TaskRun | None] = ContextVar("prefect_compat.hook_run", default=None)


def calling_run() -> TaskRun | None:
    """The TaskRun an overridden runner method was called for, if any."""
    return _calling.get()


def load_results(run: TaskRun) -> None:
    """Nothing to load in a local run: upstream states carry their values."""


# step name -> (how Prefect calls it, the engine's own step)
_STATE, _UPSTREAM, _INPUTS, _GET_INPUTS, _LOAD, _RUN_NAME = range(6)
_STEPS: dict[str, tuple[int, Step]] = {
    "check_task_is_ready": (_STATE, p.check_task_is_ready),
    "check_task_reached_start_time": (_STATE, p.check_task_reached_start_time),
    "check_upstream_finished": (_UPSTREAM, p.check_upstream_finished),
    "check_upstream_skipped": (_UPSTREAM, p.check_upstream_skipped),
    "load_results": (_LOAD, load_results),
    "get_task_inputs": (_GET_INPUTS, p.get_task_inputs),
    "check_task_ready_to_map": (_UPSTREAM, mapping.check_task_ready_to_map),
    "set_task_run_name": (_RUN_NAME, p.set_task_run_name),
    "check_target": (_INPUTS, caching.check_target),
    "check_task_is_cached": (_INPUTS, caching.check_task_is_cached),
    "check_task_trigger": (_UPSTREAM, p.check_task_trigger),
    "set_task_to_running": (_INPUTS, p.set_task_to_running),
    "get_task_run_state": (_INPUTS, p.get_task_run_state),
    "cache_result": (_INPUTS, p.cache_result),
    "check_for_retry": (_INPUTS, p.check_for_retry),
}
STOCK: dict[str, Step] = {name: step for name, (_, step) in _STEPS.items()}

# Every TaskRunner / FlowRunner method the engine calls when a subclass overrides it.
_HANDLER_HOOKS = frozenset({"call_runner_target_handlers", "handle_state_change"})
TASK_HOOKS = frozenset(_STEPS) | _HANDLER_HOOKS | {"initialize_run", "check_task_is_looping", "run"}
FLOW_HOOKS = _HANDLER_HOOKS | {
    "initialize_run",
    "check_flow_is_pending_or_running",
    "check_flow_reached_start_time",
    "set_flow_to_running",
    "get_flow_run_state",
    "determine_final_state",
    "check_for_cancellation",
    "run",
}


def _take(run: TaskRun, runner: Any, name: str, new: Any) -> None:
    if not isinstance(new, State):
        raise TypeError(
            f"{type(runner).__name__}.{name}() returned {new!r} for task '{label(run)}': "
            "return a State, or raise ENDRUN(state) to end the task run with that state."
        )
    run.state = new


def _call(run: TaskRun, method: Callable[..., Any], kind: int) -> Any:
    """Call `method` the way Prefect's TaskRunner.run calls a method of this kind."""
    if kind == _STATE:
        return method(run.state)
    if kind == _UPSTREAM:
        return method(run.state, upstream_states=run.upstream)
    if kind == _INPUTS:
        return method(run.state, inputs=run.inputs)
    if kind == _GET_INPUTS:
        inputs = method(run.state, upstream_states=run.upstream)
        run.inputs = dict(inputs)
        run.raw_inputs = {key: result.value for key, result in run.inputs.items()}
        return run.state
    if kind == _LOAD:
        state, run.upstream = method(run.state, upstream_states=run.upstream)
        return state
    method(task_inputs=run.inputs)
    return run.state


def _outcome(name: str, logger: Any, exc: BaseException) -> State:
    """The state an override's exception ends a task run with, as Prefect's `run`:
    ENDRUN's and a signal's own state, else Failed naming the task (no handlers)."""
    if isinstance(exc, (signals.ENDRUN, signals.PrefectStateSignal)):
        return exc.state  # type: ignore[return-value]
    if _context.get("raise_on_exception"):
        raise exc
    logger.error("Task '%s': Unexpected error while running task: %r", name, exc, exc_info=exc)
    return Failed(f"Task '{name}': Unexpected error while running task: {exc!r}", result=exc)


def _ended(run: TaskRun, exc: BaseException) -> EndRun:
    run.state = _outcome(label(run), run.plan.runner_logger, exc)
    return EndRun(run.state)


def adapt_step(name: str, runner: Any) -> Step:
    """The pipeline step that calls `runner.<name>` (an override) at that point.

    Handlers are the override's business (see the module docstring); an exception
    it lets out ends the run, as in Prefect: ENDRUN and state signals with their
    state, anything else Failed, naming the task.
    """
    method = getattr(runner, name)
    kind = _STEPS[name][0]

    def step(run: TaskRun) -> None:
        token = _calling.set(run)
        try:
            new = _call(run, method, kind)
        except (signals.ENDRUN, signals.PrefectStateSignal) as exc:
            raise _ended(run, exc) from None
        except Exception as exc:  # noqa: BLE001 - a user override: ends the run Failed
            raise _ended(run, exc) from exc
        finally:
            _calling.reset(token)
        _take(run, runner, name, new)
        if name == "check_task_ready_to_map" and not isinstance(run.state, Mapped):
            raise EndRun(p.run_steps(run, _unmapped_rest(run.plan)))

    step.__name__ = step.__qualname__ = name
    return step


# Steps a mapped parent has run before `check_task_ready_to_map` (fused or not).
_BEFORE_MAP = frozenset(
    {
        "check_task_is_ready",
        "check_task_reached_start_time",
        "check_ready_and_started",
        "check_upstream_finished",
        "check_upstream_skipped",
        "load_results",
    }
)


def _unmapped_rest(plan: Any) -> tuple[Step, ...]:
    """What a mapped parent runs when an overridden `check_task_ready_to_map` returns
    a state that is not Mapped: as in Prefect, the rest of an ordinary task run, with
    the whole upstream values as inputs (an overridden `get_task_inputs` has already
    run in the parent's pipeline and is not called twice)."""
    done = _BEFORE_MAP
    if any(step.__name__ == "get_task_inputs" for step in plan.parent_steps):
        done = done | {"get_task_inputs"}
    return tuple(step for step in plan.steps if step.__name__ not in done)


def adapt_initialize(runner: Any) -> Callable[[Any, dict[str, Any]], tuple[Any, dict[str, Any]]]:
    """`plan.initialize`: the override of `initialize_run(state, context)`.

    Like Prefect's, it sees the whole context of the run plus the task's keys, and
    what it returns becomes the task run's frame.
    """

    def initialize(state: Any, frame: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
        context = _context.flatten()
        context.update(frame)
        try:
            result = runner.initialize_run(state=state, context=context)
        except Exception as exc:  # noqa: BLE001 - a user override: ends the run (see _outcome)
            # a finished state: the first step ends the run with it, as Prefect's does
            return _outcome(frame["task_full_name"], runner.logger, exc), frame
        except (signals.ENDRUN, signals.PrefectStateSignal) as exc:
            return _outcome(frame["task_full_name"], runner.logger, exc), frame
        return result.state, dict(result.context)

    return initialize


def adapt_looping(runner: Any) -> Callable[[TaskRun, State], State]:
    """`plan.looping`: the override of `check_task_is_looping(state, inputs, ...)`."""

    def looping(run: TaskRun, state: State) -> State:
        try:
            new = runner.check_task_is_looping(
                state, inputs=run.inputs, upstream_states=run.upstream, context=run.frame
            )
        except (signals.ENDRUN, signals.PrefectStateSignal) as exc:
            return _ended(run, exc).state
        except Exception as exc:  # noqa: BLE001 - a user override: ends the run Failed
            return _ended(run, exc).state
        _take(run, runner, "check_task_is_looping", new)
        return run.state

    return looping


def via_handle_state_change(runner: Any, old: State, new: State) -> State:
    """A plan handler for runners that override how handlers are called."""
    return runner.handle_state_change(old, new)  # type: ignore[no-any-return]


def _task_context(map_index: int | None) -> dict[str, Any]:
    return {} if map_index is None else {"map_index": map_index}


def adapt_run(runner: Any) -> tuple[Callable[..., State], Callable[..., State]]:
    """(entry, parent_entry) for a TaskRunner subclass that overrides `run` itself."""

    def entry(plan: Any, state: Any, upstream: dict[Any, Any], map_index: Any = None) -> State:
        return runner.run(  # type: ignore[no-any-return]
            state=state,
            upstream_states={**plan.constant_upstream, **upstream},
            context=_task_context(map_index),
            is_mapped_parent=False,
        )

    def parent_entry(plan: Any, state: Any, upstream: dict[Any, Any]) -> State:
        return runner.run(  # type: ignore[no-any-return]
            state=state,
            upstream_states={**plan.constant_upstream, **upstream},
            context={},
            is_mapped_parent=True,
        )

    return entry, parent_entry
