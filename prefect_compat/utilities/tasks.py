"""Helpers for building tasks: `@task`, `tags`, `as_task`, `apply_map`, and friends.

`as_task` decides what a call argument becomes: a Task stays itself; a list, tuple,
set or dict holding tasks becomes a collection task; anything else a `Constant`.
(A call binds plain values as flow constants instead; see `Flow.set_dependencies`.)

`apply_map(func, *args)` maps a whole function that builds tasks. It runs `func`
once, inside a scratch flow, with stand-in tasks for the mapped arguments, then
copies what `func` built into the real flow with these rules:
  * edges from a stand-in come from the real argument, mapped (flattened if asked);
  * edges between two tasks `func` built are mapped, so the chain runs item by item;
  * edges from tasks that already existed (unmapped arguments, closures) are kept;
  * a built task with no mapped input gets unkeyed mapped edges from the mapped
    arguments, so it too runs once per item.
"""

from __future__ import annotations

import datetime
import functools
import inspect
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Callable

from prefect_compat import _context
from prefect_compat.core.task import Task
from prefect_compat.utilities.edges import strip_annotations, unmapped

__all__ = [
    "apply_map",
    "as_task",
    "defaults_from_attrs",
    "pause_task",
    "tags",
    "task",
    "unmapped",
]


def task(fn: Callable[..., Any] | None = None, **task_init_kwargs: Any) -> Any:
    """Turn a function into a `FunctionTask`; `@task(name=..., max_retries=...)` passes options."""
    from prefect_compat.tasks.core.function import FunctionTask

    if fn is None:
        return lambda fn: FunctionTask(fn=fn, **task_init_kwargs)
    return FunctionTask(fn=fn, **task_init_kwargs)


@contextmanager
def tags(*tags: str) -> Iterator[None]:
    """Add `tags` to every task created (or copied by a call) inside the block."""
    current = _context.lookup("tags", None) or ()
    token = _context.push({"tags": set(current).union(tags)})
    try:
        yield
    finally:
        _context.pop(token)


def as_task(x: Any, flow: Any = None) -> Task:
    """`x` as a Task: itself, a collection task over the tasks inside it, or a Constant."""
    if isinstance(x, Task):
        return x
    found = collection_task(x, flow)
    if found is not None:
        return found
    from prefect_compat.tasks.core.constants import Constant

    made = Constant(x)
    made.auto_generated = True
    return made


def collection_task(x: Any, flow: Any = None) -> Task | None:
    """A List/Tuple/Set/Dict task building `x` from the tasks inside it; None if it holds none.

    Items that are not tasks are bound as constants of the collection task.
    """
    if isinstance(x, Task):
        return x
    if not isinstance(x, _COLLECTIONS):
        return None
    from prefect_compat.tasks.core import collections as c

    if isinstance(x, dict):
        keys, values = list(x.keys()), list(x.values())
        key_task, value_task = collection_task(keys, flow), collection_task(values, flow)
        if key_task is None and value_task is None:
            return None
        made: Task = c.Dict()
        made.auto_generated = True
        return made.bind(
            keys=keys if key_task is None else key_task,
            values=values if value_task is None else value_task,
            flow=flow,
        )
    items = list(x)
    parts = [collection_task(item, flow) for item in items]
    if all(part is None for part in parts):
        return None
    bound: dict[str, Any] = {
        f"arg_{i}": item if part is None else part
        for i, (item, part) in enumerate(zip(items, parts), start=1)
    }
    if isinstance(x, list):
        cls: type[Task] = c.List
    elif isinstance(x, tuple):
        cls = c.Tuple
    else:
        cls = c.Set
    made = cls()
    made.auto_generated = True
    return made.bind(flow=flow, **bound)


_COLLECTIONS = (dict, list, tuple, set, frozenset)


def defaults_from_attrs(*attr_args: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorate run(): arguments named in `attr_args` that the caller omitted come from
    `self.<name>`. An explicit None is passed through (it is not "omitted")."""

    def decorator(method: Callable[..., Any]) -> Callable[..., Any]:
        names = list(inspect.signature(method).parameters)[1:]

        @functools.wraps(method)
        def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
            given = names[: len(args)]
            for attr in attr_args:
                if attr not in kwargs and attr not in given:
                    kwargs[attr] = getattr(self, attr)
            return method(self, *args, **kwargs)

        return wrapper

    return decorator


def pause_task(message: str | None = None, duration: datetime.timedelta | None = None) -> None:
    """Pause the running task (raise PAUSE) unless it is being resumed.

    With `duration`, the Paused state's start time is now + duration.
    """
    if _context.lookup("resume", False):
        return
    from prefect_compat.engine.signals import PAUSE

    start = None
    if duration is not None:
        start = datetime.datetime.now(datetime.timezone.utc) + duration
    raise PAUSE(message or "Pause signal raised during task execution.", start_time=start)


class _MappedArgument(Task):
    """Stands in for a mapped argument while `apply_map` runs the user's function."""


def apply_map(func: Callable[..., Any], *args: Any, flow: Any = None, **kwargs: Any) -> Any:
    """Map `func`, a function that builds tasks, over `args`/`kwargs` (see module docstring)."""
    flow = flow if flow is not None else _context.lookup("flow", None)
    if flow is None:
        raise ValueError(
            "Couldn't infer a flow in the current context: call apply_map inside "
            "`with Flow(...)` or pass flow=..."
        )
    stand_ins: dict[Task, tuple[Task, bool]] = {}

    def prepare(value: Any) -> Any:
        value, is_mapped, flattened = strip_annotations(value, mapped=True)
        if not is_mapped:
            return value
        if not isinstance(value, (Task, Sequence)):
            raise TypeError(
                f"Cannot map over non-sequence object of type `{type(value).__name__}` "
                "(apply_map maps over tasks and sequences; wrap it in unmapped(...) to pass "
                "it whole)"
            )
        real = value if isinstance(value, Task) else _mappable_task(value, flow)
        stand_in = _MappedArgument(name=real.name)
        stand_ins[stand_in] = (real, flattened)
        return stand_in

    token = _context.push({"flow": None})  # stand-ins belong to no flow's unused-task check
    try:
        call_args = [prepare(a) for a in args]
        call_kwargs = {k: prepare(v) for k, v in kwargs.items()}
    finally:
        _context.pop(token)
    scratch = _scratch_flow(flow)
    token = _context.push({"case": None, "resource": None})
    try:
        with scratch:
            returned = func(*call_args, **call_kwargs)
    finally:
        _context.pop(token)
    passed_whole = {v for v in (*call_args, *call_kwargs.values()) if isinstance(v, Task)}
    _copy_mapped_body(flow, scratch, stand_ins, passed_whole)
    return _swap_stand_ins(returned, {s: real for s, (real, _) in stand_ins.items()})


def _mappable_task(value: Any, flow: Any) -> Task:
    found = collection_task(value, flow)
    if found is not None:
        return found
    check_mappable(value)
    from prefect_compat.tasks.core.constants import Constant

    made = Constant(value)
    made.auto_generated = True
    return made


def check_mappable(value: Any) -> None:
    """TypeError unless `value` can be mapped over: a task, a sequence, or a set of tasks."""
    if isinstance(value, Task) or hasattr(value, "__getitem__"):
        return
    if isinstance(value, (set, frozenset)) and any(isinstance(v, Task) for v in value):
        return  # becomes a Set task
    raise TypeError(
        f"Cannot map over unsubscriptable object of type {type(value)}: "
        f"{repr(value)[:10]}... (wrap it in unmapped(...) to pass it whole)"
    )


def _scratch_flow(flow: Any) -> Any:
    from prefect_compat.core.flow import Flow

    scratch = Flow(f"apply_map in {flow.name}")
    scratch._serial = flow._serial  # tasks of `flow` are valid arguments inside func
    return scratch


def _copy_mapped_body(
    flow: Any, scratch: Any, stand_ins: dict[Task, tuple[Task, bool]], passed_whole: set[Task]
) -> None:
    from prefect_compat.core.parameter import Parameter

    existing = flow.tasks
    built = [
        t
        for t in scratch.tasks
        if t not in stand_ins
        and t not in existing
        and t not in passed_whole
        and not isinstance(t, Parameter)
    ]
    inside = set(built)
    for t in built:
        flow.add_task(t)
    for edge in scratch.edges:
        up, down = edge.upstream_task, edge.downstream_task
        mapped, flattened = edge.mapped, edge.flattened
        if up in stand_ins:
            up, flat = stand_ins[up]
            mapped, flattened = True, flattened or flat
        elif up in inside and down in inside:
            mapped = True
        if down in stand_ins:
            down = stand_ins[down][0]
        flow.add_edge(up, down, key=edge.key, mapped=mapped, flattened=flattened)
    for t, constants in scratch.constants.items():
        if constants and t in inside:
            flow._add_constants(t, constants)
    mapped_args = [real for real, _ in stand_ins.values()]
    for t in built:
        if not any(e.mapped for e in flow.edges_to(t)):
            for real in mapped_args:
                flow.add_edge(real, t, mapped=True)


def _swap_stand_ins(value: Any, real: dict[Task, Task]) -> Any:
    if isinstance(value, Task):
        return real.get(value, value)
    if isinstance(value, (list, tuple)):
        items = [_swap_stand_ins(v, real) for v in value]
        return type(value)(*items) if hasattr(value, "_fields") else type(value)(items)
    if isinstance(value, dict):
        return {k: _swap_stand_ins(v, real) for k, v in value.items()}
    return value
