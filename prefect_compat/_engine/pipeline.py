"""The life of one task run as a fixed tuple of step functions.

A step takes the `TaskRun` and either returns (go on) or raises `EndRun(state)` to
stop with a final state. The steps a task needs are chosen once per flow run in
`plan.py` (no target -> no target step, no retries -> no retry step), so a plain task
runs: ready? -> upstream finished? -> upstream skipped? -> inputs -> trigger ->
running -> run -> done. Names follow Prefect's TaskRunner checks so its users can
map one onto the other.

Every state change goes through `transition()`, which calls the task's state
handlers, then the runner-level handlers, and is the only place a State is replaced.
Upstream states are read, never mutated.

User code (task bodies, triggers, handlers) is guarded here: its exceptions become
Failed / TriggerFailed states that keep the exception as their result, unless
`raise_on_exception` is set in the context.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any, NamedTuple, cast

from prefect_compat import _context
from prefect_compat._config import prefect_version
from prefect_compat._engine.lazy import CheckpointLost
from prefect_compat._engine.mapping import flatten_value
from prefect_compat._engine.taskrun import EndRun, TaskRun, label, transition
from prefect_compat._engine.templating import formatting_kwargs
from prefect_compat._engine.timeouts import call_with_timeout, stdout_to_logger
from prefect_compat.engine import signals
from prefect_compat.engine.result.base import ResultNotImplementedError
from prefect_compat.engine.state import (
    Cached,
    Failed,
    Looped,
    Mapped,
    Pending,
    Retrying,
    Running,
    Scheduled,
    Skipped,
    State,
    Success,
    TimedOut,
    TriggerFailed,
)
from prefect_compat.exceptions import TaskTimeoutSignal

__all__ = ["run_steps"]

RUNNER_LOGGER = logging.getLogger("prefect.TaskRunner")
SKIP_MESSAGE = (
    "Upstream task was skipped; if this was not the intended behavior, consider changing "
    "`skip_on_upstream_skip=False` for this task."
)


def run_steps(run: TaskRun, steps: tuple[Any, ...]) -> State:
    """Run `steps` in order; the final state (also set on `run.state`) is returned."""
    try:
        for step in steps:
            step(run)
    except EndRun as stop:
        if stop.state is not run.state:
            transition(run, stop.state)
    except signals.ENDRUN as stop:
        # ENDRUN(None) is allowed by the Prefect API; the state is passed through as-is.
        transition(run, stop.state)  # type: ignore[arg-type]
    except signals.PAUSE as pause:  # raised by a state handler: pause without more handlers
        run.state = pause.state
    except CheckpointLost as lost:  # a resumed upstream's value cannot be read: wait for it
        run.state = lost.waiting(run.state)
    except Exception as exc:  # noqa: BLE001 - engine-step failure (template, storage, ...)
        if _context.get("raise_on_exception"):
            raise
        run.plan.logger.error("Task '%s': unexpected error", label(run), exc_info=True)
        transition(run, Failed(f"Unexpected error: {exc!r} (task '{label(run)}')", result=exc))
    return run.state


# -- steps ------------------------------------------------------------------------------


def check_task_is_ready(run: TaskRun) -> None:
    """Only Pending (incl. Scheduled, Retrying, Resume), Mapped and Cached states run."""
    if not isinstance(run.state, (Pending, Mapped, Cached)):
        raise EndRun(run.state)


def check_task_reached_start_time(run: TaskRun) -> None:
    """A Scheduled state waits until its start time (None: not yet scheduled)."""
    state = run.state
    if isinstance(state, Scheduled) and (
        state.start_time is None or state.start_time > datetime.now(timezone.utc)
    ):
        raise EndRun(state)


def check_ready_and_started(run: TaskRun) -> None:
    """The two steps above in one call: what a plan runs when neither is overridden."""
    state = run.state
    if not isinstance(state, (Pending, Mapped, Cached)):
        raise EndRun(state)
    if isinstance(state, Scheduled) and (
        state.start_time is None or state.start_time > datetime.now(timezone.utc)
    ):
        raise EndRun(state)


def check_upstream_finished(run: TaskRun) -> None:
    for edge, state in run.upstream.items():
        if not state.is_finished():
            raise EndRun(run.state)
        if isinstance(state, Mapped) and not edge.mapped:
            for child in state.map_states:
                if not child.is_finished():
                    raise EndRun(run.state)


def check_upstream_skipped(run: TaskRun) -> None:
    for edge, state in run.upstream.items():
        if isinstance(state, Skipped):
            raise EndRun(Skipped(SKIP_MESSAGE, result=None))
        reduced = isinstance(state, Mapped) and not edge.mapped
        if reduced and any(isinstance(child, Skipped) for child in cast(Mapped, state).map_states):
            raise EndRun(Skipped(SKIP_MESSAGE, result=None))


def get_task_inputs(run: TaskRun) -> None:
    """Each keyed upstream's result as the task's input; an unmapped `flatten(...)`
    edge gives its value flattened by one level (a mapped one is flattened when the
    fan-out is sliced, `mapping.child_slicer`)."""
    inputs = run.inputs
    raw = run.raw_inputs
    for edge, state in run.upstream.items():
        key = edge.key
        if key is not None:
            result = state._result
            if edge.flattened and not edge.mapped:
                result = result.from_value(flatten_value(result.value))
            inputs[key] = result
            raw[key] = result.value


def set_task_run_name(run: TaskRun) -> None:
    template = run.plan.task.task_run_name
    kwargs = formatting_kwargs(run)
    name = template(**kwargs) if callable(template) else template.format(**kwargs)
    run.frame["task_run_name"] = name


def check_task_trigger(run: TaskRun) -> None:
    try:
        passed = run.plan.trigger(run.upstream)
    except signals.ENDRUN:
        raise
    except signals.PrefectStateSignal as sig:
        raise EndRun(sig.state) from None
    except Exception as exc:  # noqa: BLE001 - user trigger code
        if _context.get("raise_on_exception"):
            raise
        run.plan.runner_logger.error(
            "Task '%s': Unexpected error while evaluating task trigger: %r",
            label(run),
            exc,
            exc_info=True,
        )
        raise EndRun(
            TriggerFailed(f"Unexpected error while checking task trigger: {exc!r}", result=exc)
        ) from exc
    if not passed:
        raise EndRun(signals.TRIGGERFAIL("Trigger failed").state)


def set_task_to_running(run: TaskRun) -> None:
    """Only a Pending state starts; anything else ends the run as it is.

    A Cached state gets here only in a plan without a cache check (`plan.restart`);
    Prefect's check would have found it invalid (no `cache_for`), so it runs again.
    """
    state = run.state
    if not isinstance(state, Pending) and not (run.plan.restart and isinstance(state, Cached)):
        raise EndRun(state)
    transition(run, Running("Starting task run."))


def get_task_run_state(run: TaskRun) -> None:
    """Call the task, checkpoint the value, and move to the resulting state."""
    if not isinstance(run.state, Running):  # a handler replaced Running: respect it
        raise EndRun(run.state)
    plan = run.plan
    if run.debug:
        plan.runner_logger.debug("Task '%s': Calling task.run() method...", label(run))
    try:
        value = plan.call(run)
    except signals.ENDRUN:
        raise
    except signals.SUCCESS as sig:
        if wording().log_success:
            plan.runner_logger.info("%s signal raised: %r", type(sig).__name__, sig)
        _finish_signal(run, sig, checkpoint=True)
        return
    except signals.LOOP as sig:
        _finish_signal(run, sig, checkpoint=True)
        return
    except signals.PrefectStateSignal as sig:  # FAIL, SKIP, RETRY, PAUSE, ...
        if _context.get("raise_on_exception"):
            raise
        run.plan.runner_logger.info("%s signal raised: %r", type(sig).__name__, sig)
        transition(run, sig.state)
        return
    except (TaskTimeoutSignal, TimeoutError) as exc:
        _timed_out(run, exc)
        return
    except Exception as exc:  # noqa: BLE001 - THE task boundary: user errors become Failed
        _task_error(run, exc)
        return
    result = _store(run, value)
    if result is not None:
        transition(run, Success("Task run succeeded.", result=result))


def _timed_out(run: TaskRun, exc: BaseException) -> None:
    """`timeout=` expired (TaskTimeoutSignal), or the task raised a TimeoutError: 1.x
    reports only the first as TimedOut; 0.13 both, with a TimeoutError as the result."""
    if not wording().timeout_error:
        if isinstance(exc, TimeoutError):
            _task_error(run, exc)
            return
    elif isinstance(exc, TaskTimeoutSignal):
        exc = TimeoutError(*exc.args)
    transition(run, TimedOut("Task timed out during execution.", result=exc))


def _task_error(run: TaskRun, exc: Exception) -> None:
    """An error raised by the task's code: Failed, with the version's log line."""
    logger = run.plan.runner_logger
    if _context.get("raise_on_exception"):  # Prefect logs its two lines, then raises
        logger.error("Unexpected error: %r", exc, exc_info=exc)
        logger.error(
            "Task '%s': Unexpected error while running task: %r", label(run), exc, exc_info=exc
        )
        raise exc
    words = wording()
    argument = label(run) if words.names_task else exc
    logger.error(words.error_line, argument, exc_info=exc)
    message = words.error_message.format(exc=exc, task=label(run))
    transition(run, Failed(message, result=exc))


class Wording(NamedTuple):
    """Texts where Prefect 0.13 and 1.x differ; `compat.prefect_version` picks one."""

    error_line: str  # logged on the runner logger, with the task label or the exception
    names_task: bool  # True: error_line's argument is the task label, else the exception
    error_message: str  # the Failed state's message ({exc}, {task})
    log_success: bool  # 0.13 also logs "SUCCESS signal raised: ..."
    timeout_error: bool  # 0.13: any TimeoutError from the task means TimedOut, and a
    # `timeout=` that expires is reported as TimeoutError (1.x: TaskTimeoutSignal)


WORDING = {
    "1": Wording(
        "Task '%s': Exception encountered during task execution!",
        True,
        "Error during execution of task: {exc!r} (task '{task}')",
        False,
        False,
    ),
    "0.13": Wording(
        "Unexpected error: %r", False, "Unexpected error: {exc!r} (task '{task}')", True, True
    ),
}


def wording() -> Wording:
    """The wording the configuration asks for (read once per plan, never per run)."""
    return WORDING[prefect_version(_context.get("config"))]


# Failures of the checkpoint write: a template key that is missing, a value the
# serializer refuses, a storage backend error. They fail the task like a task error
# (so the retry step still applies); anything else is an engine bug and propagates.
_STORE_ERRORS = (OSError, TypeError, ValueError, KeyError, IndexError, AttributeError)


def _store(run: TaskRun, value: Any) -> Any:
    """`plan.store`, turning a failed checkpoint into a Failed state (returns None then)."""
    try:
        return run.plan.store(run, value)
    except _STORE_ERRORS as exc:
        if _context.get("raise_on_exception"):
            raise
        name = label(run)
        detail = f"task '{name}'"
        if isinstance(exc, KeyError):
            detail += (
                f": the result location {run.plan.result.location!r} uses a key that is not in "
                "the context, the parameters or the task's inputs; nothing was written"
            )
        run.plan.logger.error("Task '%s': could not checkpoint its result: %r", name, exc)
        transition(run, Failed(f"Unexpected error: {exc!r} ({detail})", result=exc))
        return None


def _finish_signal(run: TaskRun, sig: Any, checkpoint: bool) -> None:
    state = sig.state
    value = state.result
    if checkpoint and value is not sig:
        stored = _store(run, value)
        if stored is None:
            return
        state._result = stored
    if isinstance(state, Looped):
        if state.loop_count in (None, 1):
            state.loop_count = run.frame.get("task_loop_count", 1)
        if state.message is None:
            state.message = f"Task is looping ({state.loop_count})"
    transition(run, state)


def store_value(run: TaskRun, value: Any) -> Any:
    """The single checkpoint hook: persist `value` through the task's Result when due."""
    plan = run.plan
    result = plan.result
    if value is not None and plan.checkpoint and _context.get("checkpointing") is True:
        try:
            return result.write(value, **formatting_kwargs(run, plan.location_keys))
        except ResultNotImplementedError:
            pass
    return result.from_value(value)


def cache_result(run: TaskRun) -> None:
    state = run.state
    if not isinstance(state, Success) or isinstance(state, Skipped):
        return
    plan = run.plan
    now = datetime.now(timezone.utc)
    cached = Cached(
        message=state.message,
        result=state._result,
        cached_inputs=dict(run.inputs),
        cached_parameters=_context.get("parameters"),
        cached_result_expiration=now + plan.task.cache_for,
    )
    transition(run, cached)


def check_for_retry(run: TaskRun) -> None:
    state = run.state
    plan = run.plan
    if not isinstance(state, Failed):
        return
    run_count = run.frame.get("task_run_count", 1)
    if run_count > plan.max_retries:
        return
    retry_on = plan.task.retry_on
    if retry_on and state.result is not None and not isinstance(state.result, tuple(retry_on)):
        run.plan.logger.info(
            "Task '%s': Skipping retry. Exception of type '%s' is not an instance of the "
            "retry on exception types.",
            label(run),
            type(state.result).__name__,
        )
        return
    delay = plan.retry_delay
    start = datetime.now(timezone.utc) + delay if delay else datetime.now(timezone.utc)
    message = f"Retrying Task (after attempt {run_count} of {plan.max_retries + 1})"
    retry_context = {}
    if run.frame.get("task_loop_count", 1) > 1:  # it looped: the retry goes on from there
        retry_context["_loop_count"] = run.frame["task_loop_count"]
        retry_context["_loop_result"] = run.frame.get("task_loop_result")
    transition(
        run,
        Retrying(
            message,
            result=state._result,
            start_time=start,
            run_count=run_count,
            context=retry_context,
        ),
    )


def call_plain(run: TaskRun) -> Any:
    return run.plan.task.run(**run.raw_inputs)


def call_with_options(run: TaskRun) -> Any:
    """Task call honouring `timeout` and `log_stdout` (only tasks that set them pay)."""
    task = run.plan.task
    if task.log_stdout:
        with stdout_to_logger(run.plan.runner_logger):
            return call_with_timeout(task, run.raw_inputs, task.timeout)
    return call_with_timeout(task, run.raw_inputs, task.timeout)
