"""`prefect.context`: a dict-like view of the run context with attribute access.

The object holds no data itself; every read and write goes to the frame stack in
`prefect_compat._context`. `with context(a=1):` pushes a frame and pops it on exit,
so nested blocks shadow and restore values without copying anything.

It is also Prefect 2.x's module `prefect.context`: its class carries the 2.x names
(`get_run_context`, `FlowRunContext`, `TaskRunContext`), and `context_module()` builds
the module the package registers in `sys.modules` under that name, whose attributes
are the context object's. So `prefect.context.get("task_name")`, `with
prefect.context(a=1):` and `from prefect.context import get_run_context` all work, and
the package attribute `prefect.context` stays this object. (A real module in
`sys.modules`, not the object itself: cloudpickle ships the submodules a function uses
by reference, which needs a module there.) A 2.x flow or task run keeps its
`FlowRunContext` / `TaskRunContext` in the frame stack under `RUN_KEY`; the innermost
one is the current run.
"""

from __future__ import annotations

import datetime
import time
import types
from collections.abc import Iterator, Mapping, MutableMapping
from contextlib import contextmanager
from typing import Any

from prefect_compat import _context

__all__ = [
    "RUN_KEY",
    "Context",
    "FlowRun",
    "FlowRunContext",
    "TaskRun",
    "TaskRunContext",
    "context",
    "context_module",
    "get_run_context",
]

RUN_KEY = "prefect_compat.v2_run"  # the innermost 2.x FlowRunContext / TaskRunContext


def _as_plain(value: Any) -> Any:
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict) and isinstance(value, Mapping):
        return to_dict()
    if isinstance(value, Mapping):
        return {k: _as_plain(v) for k, v in value.items()}
    return value


class Context(MutableMapping[str, Any]):
    """The run context (`prefect.context`). Missing attributes raise AttributeError.

    `Context()` is a view of the live context. `Context(mapping, **kwargs)` and
    `prefect.context.copy()` are detached contexts: they hold their own keys (plus
    `config`, as in Prefect) and writing to them leaves the live context alone.
    """

    __slots__ = ()

    def __new__(cls, *args: Any, **kwargs: Any) -> Context:
        if (args or kwargs) and cls is Context:
            return object.__new__(_DetachedContext)
        return object.__new__(cls)

    # -- mapping protocol --------------------------------------------------------
    def __getitem__(self, key: str) -> Any:
        return _context.lookup(key)

    def __setitem__(self, key: str, value: Any) -> None:
        _context.assign(key, value)

    def __delitem__(self, key: str) -> None:
        _context.delete(key)

    def __iter__(self) -> Iterator[str]:
        return _context.keys()

    def __len__(self) -> int:
        return len(_context.flatten())

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and _context.contains(key)

    def get(self, key: str, default: Any = None) -> Any:
        return _context.lookup(key, default)

    # -- attribute access --------------------------------------------------------
    def __getattr__(self, name: str) -> Any:
        if not name.startswith("__"):
            try:
                return _context.lookup(name)
            except KeyError:
                pass
        raise AttributeError(_no_attribute(name))

    def __setattr__(self, name: str, value: Any) -> None:
        _context.assign(name, value)

    def __delattr__(self, name: str) -> None:
        try:
            _context.delete(name)
        except KeyError:
            raise AttributeError(_no_attribute(name)) from None

    # -- helpers -----------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """A plain, nested dict of everything visible now (this copies; not for hot paths)."""
        return {k: _as_plain(v) for k, v in _context.flatten().items()}

    def copy(self) -> _DetachedContext:
        """A detached Context holding everything visible now."""
        return _DetachedContext(_context.flatten())

    def __repr__(self) -> str:
        return "<Context>"

    def __reduce__(self) -> Any:
        raise TypeError(
            "Pickling the context is not supported; read it inside the task through "
            "`prefect.context` instead of passing it around."
        )

    @contextmanager
    def __call__(self, *args: Any, **kwargs: Any) -> Iterator[Context]:
        """Enter a scope with extra keys; every change made inside is undone on exit.

        Takes what `dict()` takes (one mapping or iterable of pairs, and keywords). A
        `config` key is merged into the current config (a new object) rather than
        replacing it, as in Prefect.
        """
        data: dict[str, Any] = dict(*args, **kwargs)
        if "config" in data:
            if not isinstance(data["config"], Mapping):
                raise TypeError(
                    "context(config=...) takes a mapping of config keys to merge into the "
                    f"current config, e.g. {{'flows': {{'checkpointing': True}}}}; got "
                    f"{type(data['config']).__name__}"
                )
            data["config"] = _merged_config(data["config"])
        token = _context.push(data)
        try:
            yield self
        finally:
            _context.pop(token)


def _no_attribute(name: str) -> str:
    return f"'Context' object has no attribute '{name}'"


class _DetachedContext(Context):
    """A Context with keys of its own (`Context(a=1)`, `prefect.context.copy()`).

    Reads, writes and `with detached(k=v):` blocks touch only this object's keys;
    the live `prefect.context` never sees them.
    """

    __slots__ = ("_data",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        data: dict[str, Any] = {"config": _context.lookup("config", None)}
        data.update(*args, **kwargs)
        object.__setattr__(self, "_data", data)

    def __getitem__(self, key: str) -> Any:
        return self._data[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self._data[key] = value

    def __delitem__(self, key: str) -> None:
        del self._data[key]

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._data))

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def get(self, key: str, default: Any = None) -> Any:
        return self._data.get(key, default)

    def __getattr__(self, name: str) -> Any:
        try:
            return self._data[name]
        except KeyError:
            raise AttributeError(_no_attribute(name)) from None

    def __setattr__(self, name: str, value: Any) -> None:
        self._data[name] = value

    def __delattr__(self, name: str) -> None:
        try:
            del self._data[name]
        except KeyError:
            raise AttributeError(_no_attribute(name)) from None

    def to_dict(self) -> dict[str, Any]:
        return {k: _as_plain(v) for k, v in self._data.items()}

    def copy(self) -> _DetachedContext:
        return _DetachedContext(self._data)

    def __reduce__(self) -> Any:
        return (_DetachedContext, (dict(self._data),))

    @contextmanager
    def __call__(self, *args: Any, **kwargs: Any) -> Iterator[Context]:
        saved = dict(self._data)
        self._data.update(*args, **kwargs)
        try:
            yield self
        finally:
            self._data.clear()
            self._data.update(saved)


def _merged_config(extra: Mapping[str, Any]) -> Any:
    from prefect_compat import _config

    base = _context.lookup("config", None)
    if base is None or base is extra:
        return extra
    merged = base.copy()
    _config.deep_merge(merged, extra)
    return merged


# -- Prefect 2.x run contexts -------------------------------------------------------------


class FlowRun:
    """What 2.x knows about one flow run: id, name, parameters, run count."""

    __slots__ = ("flow_id", "flow_name", "id", "name", "parameters", "run_count")

    def __init__(self, flow_name: str, name: str, parameters: dict[str, Any]) -> None:
        import uuid  # not at module level: `import prefect_compat` stays light

        self.id = uuid.uuid4()
        # the flow's own id: the same for every run of a flow of that name, as a 2.6.9
        # API gives one flow id per flow name
        self.flow_id = uuid.uuid5(uuid.NAMESPACE_URL, f"prefect-compat:flow:{flow_name}")
        self.flow_name = flow_name
        self.name = name
        self.parameters = parameters
        self.run_count = 1

    def __repr__(self) -> str:
        return f"FlowRun(name={self.name!r}, flow={self.flow_name!r}, id={self.id})"


class TaskRun:
    """What 2.x knows about one task run: `name` is `<task>-<key hash>-<call number>`."""

    __slots__ = ("dynamic_key", "flow_run_id", "id", "name", "run_count", "task_key")

    def __init__(  # noqa: PLR0913 - plain record
        self,
        name: str,
        task_key: str,
        dynamic_key: int,
        flow_run_id: Any,
        run_count: int,
        run_id: Any = None,
    ) -> None:
        if run_id is None:
            import uuid

            run_id = uuid.uuid4()
        self.id = run_id
        self.name = name
        self.task_key = task_key
        self.dynamic_key = dynamic_key
        self.flow_run_id = flow_run_id
        self.run_count = run_count

    def __repr__(self) -> str:
        return f"TaskRun(name={self.name!r}, run_count={self.run_count})"


class FlowRunContext:
    """The running 2.x flow (`FlowRunContext.get()`; None outside a flow run).

    Public fields as in Prefect 2.x: `flow`, `flow_run`, `task_runner`,
    `result_factory`, `start_time`. The rest is the engine's bookkeeping for this run
    (see `_engine/flow_calls.py`).
    """

    __slots__ = (
        "_start",
        "attempt_runs",
        "completed",
        "counts",
        "factories",
        "flow",
        "flow_run",
        "isasync",
        "loop",
        "parent",
        "result_factory",
        "serializer",
        "storage",
        "task_runner",
    )

    def __init__(self, flow: Any, flow_run: FlowRun, parent: FlowRunContext | None) -> None:
        self.flow = flow
        self.flow_run = flow_run
        self.parent = parent
        self.isasync = False
        self.loop: Any = None
        self.task_runner: Any = None
        self.result_factory: Any = None
        self.storage: Any = None
        self.serializer: Any = None
        self.counts: dict[str, int] = {}
        self.completed: dict[tuple[str, int], Any] = {}
        self.attempt_runs: list[Any] = []
        self.factories: dict[Any, Any] = {}
        self._start = time.time()

    @property
    def start_time(self) -> datetime.datetime:
        return datetime.datetime.fromtimestamp(self._start, datetime.timezone.utc)

    @classmethod
    def get(cls) -> FlowRunContext | None:
        run = _context.get(RUN_KEY)
        if isinstance(run, TaskRunContext):
            return run.flow_run_context
        return run  # type: ignore[no-any-return]

    def __repr__(self) -> str:
        return f"FlowRunContext(flow={self.flow.name!r}, flow_run={self.flow_run.name!r})"


class TaskRunContext:
    """The running 2.x task (`TaskRunContext.get()`; None outside a task run).

    `task`, `task_run`, `result_factory`, `start_time` as in Prefect 2.x, plus
    `parameters` (the call's arguments by name).
    """

    __slots__ = (
        "_start",
        "_task_run_id",
        "flow_run_context",
        "index",
        "isasync",
        "loop",
        "name",
        "parameters",
        "result_factory",
        "task",
    )

    def __init__(  # noqa: PLR0913 - plain record, built once per task call
        self,
        task: Any,
        name: str,
        index: int,
        parameters: dict[str, Any],
        result_factory: Any,
        flow_run_context: FlowRunContext | None,
    ) -> None:
        self.task = task
        self.name = name
        self.index = index
        self.parameters = parameters
        self.result_factory = result_factory
        self.flow_run_context = flow_run_context
        self.isasync = False
        self.loop: Any = None
        self._start = time.time()
        self._task_run_id: Any = None  # drawn when first read (most runs never are)

    @property
    def task_run_id(self) -> Any:
        """This task run's id: one UUID for the run, drawn when first asked for."""
        if self._task_run_id is None:
            import uuid

            self._task_run_id = uuid.uuid4()
        return self._task_run_id

    @property
    def task_run(self) -> TaskRun:
        flow = self.flow_run_context
        return TaskRun(
            self.name,
            self.task.task_key,
            self.index,
            flow.flow_run.id if flow is not None else None,
            _context.get("task_run_count") or 1,
            self.task_run_id,
        )

    @property
    def start_time(self) -> datetime.datetime:
        return datetime.datetime.fromtimestamp(self._start, datetime.timezone.utc)

    @classmethod
    def get(cls) -> TaskRunContext | None:
        run = _context.get(RUN_KEY)
        return run if isinstance(run, TaskRunContext) else None

    def __reduce__(self) -> Any:
        # shipped to worker processes without the flow run (locks, pools, the loop)
        return (
            _rebuild_task_context,
            (self.task, self.name, self.index, self.parameters, self.result_factory),
        )

    def __repr__(self) -> str:
        return f"TaskRunContext(task={self.task.name!r}, task_run={self.name!r})"


def _rebuild_task_context(
    task: Any, name: str, index: int, parameters: dict[str, Any], factory: Any
) -> TaskRunContext:
    return TaskRunContext(task, name, index, parameters, factory, None)


def get_run_context() -> FlowRunContext | TaskRunContext:
    """The innermost 2.x run: a TaskRunContext inside a task, else the FlowRunContext."""
    run = _context.get(RUN_KEY)
    if run is None:
        from prefect_compat.exceptions import MissingContextError

        raise MissingContextError(
            "No run context available. You are not in a flow or task run context. Call "
            "get_run_context() inside a function decorated with @flow or @task while it runs; "
            "in a Prefect 1.x flow read `prefect.context` instead."
        )
    return run  # type: ignore[no-any-return]


# The 2.x module names, readable from the context object itself (`prefect.context` is
# both): class attributes win over Context.__getattr__, which reads context keys.
Context.get_run_context = staticmethod(get_run_context)  # type: ignore[attr-defined]
Context.FlowRunContext = FlowRunContext  # type: ignore[attr-defined]
Context.TaskRunContext = TaskRunContext  # type: ignore[attr-defined]
Context.RUN_KEY = RUN_KEY  # type: ignore[attr-defined]

# `prefect.utilities.context.context`: the process-wide Context (also `prefect.context`).
context = Context()


def context_module(name: str) -> types.ModuleType:
    """The module `name` (`prefect_compat.context`): every attribute is the context's."""
    module = types.ModuleType(name, "Prefect 2.x `prefect.context`; see prefect_compat.context.")

    def __getattr__(attr: str) -> Any:  # PEP 562
        return getattr(context, attr)

    def __dir__() -> list[str]:
        return sorted(set(dir(type(context))) | set(context.keys()))

    module.__getattr__ = __getattr__  # type: ignore[method-assign]
    module.__dir__ = __dir__  # type: ignore[method-assign]
    return module
