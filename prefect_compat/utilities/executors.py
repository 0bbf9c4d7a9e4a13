"""`prefect.utilities.executors`: timeout helpers, tail recursion, and inert heartbeats.

The engine has its own timeout and mapping code (`_engine/timeouts.py`,
`_engine/mapping.py`); these are the public helpers Prefect exposed, for scripts and
custom runners that call them. Heartbeats tell a Cloud/Server backend that a run is
alive; there is none here, so the heartbeat helpers do nothing (`send_heartbeat`,
which needs an API client, raises the no-backend error).
"""

from __future__ import annotations

import contextvars
import datetime
import functools
import logging
import multiprocessing
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, Callable, Dict, List

from prefect_compat.exceptions import TaskTimeoutSignal, no_backend

__all__ = [
    "HeartbeatThread",
    "RecursiveCall",
    "flatten_mapped_children",
    "flatten_upstream_state",
    "log_heartbeat_failure",
    "multiprocessing_safe_run_and_retrieve",
    "no_heartbeat",
    "prepare_upstream_states_for_mapping",
    "run_task_with_timeout",
    "run_with_heartbeat",
    "run_with_multiprocess_timeout",
    "run_with_thread_timeout",
    "send_heartbeat",
    "subprocess_heartbeat",
    "tail_recursive",
    "threaded_heartbeat",
]


# -- heartbeats (no backend: nothing to beat for) ------------------------------------------


def run_with_heartbeat(runner_method: Callable[..., Any]) -> Callable[..., Any]:
    """Decorator for runner methods; locally it only calls the method."""

    @functools.wraps(runner_method)
    def inner(self: Any, *args: Any, **kwargs: Any) -> Any:
        return runner_method(self, *args, **kwargs)

    return inner


@contextmanager
def no_heartbeat() -> Iterator[None]:
    yield


@contextmanager
def threaded_heartbeat(flow_run_id: str, num: int | None = None) -> Iterator[None]:
    yield


@contextmanager
def subprocess_heartbeat(heartbeat_cmd: List[str], logger: logging.Logger) -> Iterator[None]:
    yield


@contextmanager
def log_heartbeat_failure(logger: logging.Logger) -> Iterator[None]:
    yield


def send_heartbeat(flow_run_id: str, client: Any, logger: logging.Logger) -> None:
    raise no_backend("send_heartbeat()", "Local runs need no heartbeat.")


class HeartbeatThread(threading.Thread):
    """A daemon thread that waits for `stop_event` and sends nothing."""

    def __init__(
        self, stop_event: threading.Event, flow_run_id: str, num: int | None = None
    ) -> None:
        super().__init__(daemon=True)
        self.stop_event = stop_event
        self.flow_run_id = flow_run_id
        self.num = num

    def run(self) -> None:
        self.stop_event.wait()


# -- timeouts --------------------------------------------------------------------------------


def _timed_out(name: str | None) -> TaskTimeoutSignal:
    return TaskTimeoutSignal(f"Execution timed out for {name}." if name else "Execution timed out.")


def run_with_thread_timeout(  # noqa: PLR0913 - Prefect's public signature
    fn: Callable[..., Any],
    args: Sequence[Any] = (),
    kwargs: Mapping[str, Any] | None = None,
    timeout: float | None = None,
    logger: logging.Logger | None = None,
    name: str | None = None,
) -> Any:
    """`fn(*args, **kwargs)` in a daemon thread; TaskTimeoutSignal after `timeout` seconds.

    A thread cannot be stopped, so a call that times out keeps running in the
    background until it returns.
    """
    if not timeout:
        return fn(*args, **(kwargs or {}))
    outcome: Dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = fn(*args, **(kwargs or {}))
        except BaseException as exc:  # noqa: BLE001 - handed back to the caller's thread
            outcome["error"] = exc

    worker = threading.Thread(target=contextvars.copy_context().run, args=(target,), daemon=True)
    worker.start()
    worker.join(timeout)
    if worker.is_alive():
        raise _timed_out(name)
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


def multiprocessing_safe_run_and_retrieve(queue: Any, payload: bytes) -> None:
    """Child-process side: unpickle (fn, args, kwargs), run it, put the pickled outcome."""
    import cloudpickle

    fn, args, kwargs = cloudpickle.loads(payload)
    try:
        outcome = ("value", fn(*args, **kwargs))
    except Exception as exc:  # noqa: BLE001 - sent back to the parent, which raises it
        outcome = ("error", exc)
    queue.put(cloudpickle.dumps(outcome))


def run_with_multiprocess_timeout(  # noqa: PLR0913 - Prefect's public signature
    fn: Callable[..., Any],
    args: Sequence[Any] = (),
    kwargs: Mapping[str, Any] | None = None,
    timeout: float | None = None,
    logger: logging.Logger | None = None,
    name: str | None = None,
) -> Any:
    """`fn(*args, **kwargs)` in a child process, killed after `timeout` seconds.

    `fn` and its arguments travel with cloudpickle; the child's exception is raised
    here. Unlike the thread variant, a timed-out call really stops.
    """
    if not timeout:
        return fn(*args, **(kwargs or {}))
    import cloudpickle

    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    payload = cloudpickle.dumps((fn, tuple(args), dict(kwargs or {})))
    child = ctx.Process(
        target=multiprocessing_safe_run_and_retrieve, args=(queue, payload), daemon=True
    )
    child.start()
    try:
        import queue as queue_module

        data = queue.get(timeout=timeout)
    except queue_module.Empty:
        child.terminate()
        raise _timed_out(name) from None
    finally:
        child.join(1)
    kind, value = cloudpickle.loads(data)
    if kind == "error":
        raise value
    return value


def run_task_with_timeout(
    task: Any,
    args: Sequence[Any] = (),
    kwargs: Mapping[str, Any] | None = None,
    logger: logging.Logger | None = None,
) -> Any:
    """`task.run(*args, **kwargs)`, bounded by `task.timeout` when it has one."""
    timeout: Any = getattr(task, "timeout", None)
    if isinstance(timeout, datetime.timedelta):
        timeout = timeout.total_seconds()
    return run_with_thread_timeout(
        task.run, args, kwargs, timeout, logger, name=f"task {task.name!r}"
    )


# -- tail recursion --------------------------------------------------------------------------


class RecursiveCall(Exception):
    """Raised by a `tail_recursive` function to call `func(*args, **kwargs)` without recursing."""

    def __init__(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        super().__init__()
        self.func = func
        self.args = args  # type: ignore[assignment]
        self.kwargs = kwargs


def tail_recursive(func: Callable[..., Any]) -> Callable[..., Any]:
    """Run `func` in a loop: each RecursiveCall it raises becomes the next call (flat stack)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        call, call_args, call_kwargs = func, args, kwargs
        while True:
            try:
                return getattr(call, "__wrapped__", call)(*call_args, **call_kwargs)
            except RecursiveCall as exc:  # noqa: PERF203 - the loop *is* the recursion
                call, call_args, call_kwargs = exc.func, exc.args, exc.kwargs

    return wrapper


# -- mapping helpers -------------------------------------------------------------------------


def flatten_upstream_state(upstream_state: Any) -> Any:
    """A copy of `upstream_state` whose list-of-lists result is flattened one level.

    A Mapped state, or a result that is not a sequence of sequences, is returned as is.
    """
    if upstream_state.is_mapped():
        return upstream_state
    value = upstream_state.result
    try:
        flat = [item for inner in value for item in inner]
    except TypeError:
        return upstream_state
    if isinstance(value, (str, bytes)) or any(isinstance(inner, (str, bytes)) for inner in value):
        return upstream_state
    import copy

    new = copy.copy(upstream_state)
    new.result = flat
    return new


def flatten_mapped_children(mapped_children: List[Any], executor: Any) -> List[Any]:
    """One state per item of each child's result (the children of a flattened map)."""
    import copy

    states = []
    for child in mapped_children:
        for item in child.result or []:
            new = copy.copy(child)
            new.result = item
            states.append(new)
    return states


def prepare_upstream_states_for_mapping(
    state: Any, upstream_states: Dict[Any, Any], mapped_children: Dict[Any, list], executor: Any
) -> list:
    """Per map index, the {edge: state} dict its child run receives.

    A mapped edge hands out item i of its upstream result (or its upstream's i-th
    mapped child state); an unmapped edge hands every child the same state. The
    number of children is the shortest mapped input.
    """
    import copy

    per_edge: Dict[Any, List[Any]] = {}
    for edge, upstream in upstream_states.items():
        if not getattr(edge, "mapped", False):
            continue
        children = mapped_children.get(edge.upstream_task)
        if upstream.is_mapped() and children:
            per_edge[edge] = list(children)
        else:
            items = [] if upstream.result is None else list(upstream.result)
            per_edge[edge] = [_with_result(copy.copy(upstream), item) for item in items]
    width = min((len(v) for v in per_edge.values()), default=0)
    return [
        {
            edge: (per_edge[edge][i] if edge in per_edge else upstream)
            for edge, upstream in upstream_states.items()
        }
        for i in range(width)
    ]


def _with_result(state: Any, value: Any) -> Any:
    state.result = value
    return state
