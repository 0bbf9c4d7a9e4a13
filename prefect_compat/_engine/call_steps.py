"""The seams of a 2.x task call's plan: the per-task plan and the steps it plugs in.

`spec_for(task)` builds, once per task object, the `TaskPlan` every call of that task
reuses (`_Spec`: the plan, the argument binder and defaults, the parts of 2.x task run
names). The plan is the 1.x engine's (`plan.build_plan`) with its seams set:

  steps   [check_cache] -> set_task_to_running -> get_task_run_state
          -> [record_cache] -> [check_for_retry]
  call    the function by keyword (`pipeline.call_plain`), `call_timed` with
          `timeout_seconds`, `call_async` for a coroutine function
  store   `store_result`: the value through this run's ResultFactory; a value the
          serializer or storage refuses raises StoreFailure (the run crashes)

Steps read the run's TaskRunContext from the context frame (`RUN_KEY`).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextvars
import datetime
import threading
from typing import Any

from prefect_compat import _context
from prefect_compat._engine import persistence, v2_lines
from prefect_compat._engine import pipeline as p
from prefect_compat._engine.plan import build_plan
from prefect_compat._engine.taskrun import EndRun, TaskRun
from prefect_compat._engine.timeouts import call_with_timeout
from prefect_compat.engine.result.base import Result
from prefect_compat.engine.signals import PrefectStateSignal
from prefect_compat.engine.state import Cached, Success
from prefect_compat.exceptions import ParameterBindError, TaskTimeoutSignal
from prefect_compat.utilities.context import RUN_KEY

__all__ = ["Data", "StoreFailure", "run_coroutine", "spec_for"]


class Data(Result):
    """Holds a 2.x run's result data in a 1.x state (no serializer, no location)."""

    def __init__(self, value: Any) -> None:  # noqa: D107 - deliberately skips Result.__init__
        self.value = value


class StoreFailure(ValueError):
    """The task's value could not be stored with its serializer/storage (the run crashes)."""

    def __init__(self, message: str, error: BaseException) -> None:
        super().__init__(message)
        self.error = error


# -- the per-task plan ----------------------------------------------------------------------


class _Spec:
    """What every call of one task object reuses: its plan, defaults and run name parts."""

    __slots__ = ("defaults", "isasync", "key", "key_hash", "plan", "run_spec", "task")

    def __init__(self, task: Any) -> None:
        self.task = task
        self.run_spec = task._spec()
        self.defaults = {
            name: param.default
            for name, param in self.run_spec.signature.parameters.items()
            if param.default is not param.empty and param.kind is not param.VAR_KEYWORD
        }
        self.key = task.task_key
        self.key_hash = task.key_hash
        self.isasync = task.isasync
        self.plan = _v2_plan(task)

    def bind(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> dict[str, Any]:
        try:
            bound: dict[str, Any] = self.run_spec.bind(self.task, args, kwargs)
        except TypeError:
            raise _bind_error(self.task, self.run_spec.signature, args, kwargs) from None
        defaults = self.defaults
        if defaults and len(bound) < len(self.run_spec.signature.parameters):
            for name, value in defaults.items():
                if name not in bound:
                    bound[name] = value
        return bound


def _bind_error(task: Any, signature: Any, args: Any, kwargs: Any) -> ParameterBindError:
    try:
        signature.bind(*args, **kwargs)
        reason = "the arguments do not match"
    except TypeError as exc:
        reason = str(exc)
    shown = str(signature)[1:-1]
    return ParameterBindError(
        f"Error binding parameters for function {task.name!r}: {reason}.\n"
        f"Function {task.name!r} has signature '{shown}' but received args: {args!r} and "
        f"kwargs: {kwargs!r}."
    )


def spec_for(task: Any) -> _Spec:
    spec = task.__dict__.get("_v2_plan")
    if spec is None or spec.task is not task:
        spec = task.__dict__["_v2_plan"] = _Spec(task)
    return spec  # type: ignore[no-any-return]


def _v2_plan(task: Any) -> Any:
    plan = build_plan(task, (), {}, None, task.slug or task.name)
    keyed = task.cache_key_fn is not None
    retries = task.retries or 0
    steps = [p.set_task_to_running, p.get_task_run_state]
    if keyed:
        steps = [check_cache, *steps, record_cache]
    if retries:
        steps.append(p.check_for_retry)
    plan.steps = tuple(steps)
    plan.max_retries = retries
    plan.retry_delay = datetime.timedelta(seconds=task.retry_delay_seconds or 0)
    if task.isasync:
        body = call_async
    elif task.timeout_seconds:
        body = call_timed
    else:
        body = p.call_plain
    plan.call = _logging_errors(body)
    plan.store = store_result
    plan.runner_logger = v2_lines.SILENT  # a 2.x run logs 2.x lines (v2_lines), not 1.x ones
    return plan


def _logging_errors(body: Any) -> Any:
    """`body`, logging what the task raised on `prefect.task_runs` as 2.x does."""

    def call(run: TaskRun) -> Any:
        try:
            return body(run)
        except (PrefectStateSignal, TaskTimeoutSignal):
            raise
        except Exception as exc:
            v2_lines.task_error(_context.get(RUN_KEY), exc)
            raise

    return call


# -- plan seams -------------------------------------------------------------------------------


def call_timed(run: TaskRun) -> Any:
    task = run.plan.task
    return call_with_timeout(task, run.raw_inputs, task.timeout_seconds)


def call_async(run: TaskRun) -> Any:
    """Await the task's coroutine: on the flow's loop if it has one, else on a new loop."""
    task = run.plan.task
    timeout = task.timeout_seconds or None
    coro = task.run(**run.raw_inputs)
    loop = getattr(_context.get(RUN_KEY), "loop", None)
    if loop is not None:
        future = asyncio.run_coroutine_threadsafe(coro, loop)
        try:
            return future.result(timeout)
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise TaskTimeoutSignal("Execution timed out.") from None
    return run_coroutine(coro, timeout)


def run_coroutine(coro: Any, timeout: float | None = None) -> Any:
    """Run `coro` to completion from sync code (in a new thread if a loop runs here)."""

    async def bounded() -> Any:
        if timeout is None:
            return await coro
        try:
            return await asyncio.wait_for(coro, timeout)
        except asyncio.TimeoutError:
            raise TaskTimeoutSignal("Execution timed out.") from None

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(bounded())
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = asyncio.run(bounded())
        except BaseException as exc:  # noqa: BLE001 - handed back to the caller's thread
            outcome["error"] = exc

    worker = threading.Thread(target=contextvars.copy_context().run, args=(target,))
    worker.start()
    worker.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


def store_result(run: TaskRun, value: Any) -> Any:
    """The store seam: the value through this run's ResultFactory."""
    factory = _context.get(RUN_KEY).result_factory
    try:
        return Data(factory.create_result(value))
    except Exception as exc:  # noqa: BLE001 - serializer or storage refused: the run crashes
        kind = type(value)
        serializer = getattr(getattr(factory, "serializer", None), "type", None) or "the"
        raise StoreFailure(
            f"{type(exc).__name__}: {str(exc).rstrip('.')}. Task '{run.plan.name}' could not "
            "store its result "
            f"of type '{kind.__module__}.{kind.__qualname__}' with the {serializer!r} "
            "serializer; nothing was written. Return a value this serializer can encode, or "
            "choose another one (result_serializer=...).",
            exc,
        ) from exc


def _cache_key(run: TaskRun) -> Any:
    task = run.plan.task
    if task._cache_key_arity == 0:
        return task.cache_key_fn()
    return task.cache_key_fn(_context.get(RUN_KEY), dict(run.raw_inputs))


def check_cache(run: TaskRun) -> None:
    """Before running: an unexpired run with the same cache key ends this one as Cached."""
    key = _cache_key(run)
    if key is None:
        return
    run.frame["v2_cache_key"] = key
    hit = persistence.cache_lookup(key)
    if hit is not None:
        data, expires = hit
        raise EndRun(
            Cached(
                result=Data(data),
                context={"cache_key": key, "cache_expiration": expires},
                cached_result_expiration=expires,
            )
        )


def record_cache(run: TaskRun) -> None:
    """After a completed run: remember its result under its cache key."""
    key = run.frame.get("v2_cache_key")
    state = run.state
    if key is None or not isinstance(state, Success) or isinstance(state, Cached):
        return
    lifetime = run.plan.task.cache_expiration
    expires = datetime.datetime.now(datetime.timezone.utc) + lifetime if lifetime else None
    persistence.cache_record(key, state._result.value, expires)
    state.context = {"cache_key": key, "cache_expiration": expires}
