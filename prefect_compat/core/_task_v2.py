"""The Prefect 2.x face of every Task: options, `fn`, `submit`, `with_options`, `map`.

There is one `@task` decorator and one Task class. What a call does depends on where
it happens (`Task.__call__`): inside `with Flow(...)` it adds a node to the graph
(1.x); inside a running `@flow` function it runs the task now (2.x,
`_engine/calls.py`); anywhere else it raises `TaskCallError`, naming both ways out.

2.x options (`retries`, `cache_key_fn`, `persist_result`, ...) are class attributes
with their 2.x defaults, so a 1.x task carries none of them in its `__dict__` and
copies made by 1.x calls stay as cheap as before; `apply_options` sets only the ones
given, validated when the task is decorated (an unknown serializer name or storage
slug fails here, naming the valid choices).
"""

from __future__ import annotations

import copy
import datetime
import hashlib
import inspect
from typing import Any, Callable

__all__ = ["V2_OPTIONS", "TaskV2", "apply_options", "split_options"]

V2_OPTIONS = frozenset(
    {
        "description",
        "version",
        "cache_key_fn",
        "cache_expiration",
        "retries",
        "retry_delay_seconds",
        "persist_result",
        "result_storage",
        "result_serializer",
        "cache_result_in_memory",
        "timeout_seconds",
    }
)
_NOT_SET: Any = object()
_LEGACY_CALL_KEYWORDS = ("mapped", "task_args", "upstream_tasks")


def split_options(kwargs: dict[str, Any]) -> dict[str, Any]:
    """Remove the 2.x options from `kwargs` (in place) and return them."""
    return {name: kwargs.pop(name) for name in list(kwargs) if name in V2_OPTIONS}


def _number(task: Any, name: str, value: Any, allow_none: bool) -> Any:
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise TypeError(
            f"Task {task.name!r}: {name} must be a number of seconds >= 0 (or None), got {value!r}."
        )
    return value


def _count(value: Any) -> bool:
    return not isinstance(value, bool) and isinstance(value, int) and value >= 0


def _key_fn_arity(task: Any, fn: Any) -> int:
    """2 for Prefect's `fn(context, parameters)`, 0 for a key function taking nothing."""
    if not callable(fn):
        raise TypeError(f"Task {task.name!r}: cache_key_fn must be callable, got {fn!r}.")
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return 2
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    positional = [p for p in params if p.kind in kinds]
    star = any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in params)
    return 0 if not positional and not star else 2


def _checked(task: Any, name: str, value: Any) -> Any:
    """`value` for option `name`, validated; raises naming the task and what is accepted."""
    if name == "retry_delay_seconds":
        return _number(task, name, value, allow_none=True)
    if name == "timeout_seconds":  # 2.6.9 keeps a float, and None for 0
        return float(value) if _number(task, name, value, allow_none=True) else None
    if name == "retries" and value is not None and not _count(value):
        raise TypeError(f"Task {task.name!r}: retries must be an int >= 0, got {value!r}.")
    if name == "cache_expiration" and not isinstance(value, (datetime.timedelta, type(None))):
        raise TypeError(
            f"Task {task.name!r}: cache_expiration must be a datetime.timedelta, got {value!r}."
        )
    return value


def apply_options(task: Any, options: dict[str, Any]) -> None:
    """Validate and set 2.x options on `task` (only those given).

    Storage and serializer are resolved here, once: an unknown name or slug fails at
    decoration, not when the task first runs.
    """
    from prefect_compat.results import resolve_serializer, resolve_storage

    state = task.__dict__
    for name, value in options.items():
        setattr(task, name, _checked(task, name, value))
        if name == "cache_key_fn":
            state["_cache_key_arity"] = _key_fn_arity(task, value) if value is not None else 2
        elif name == "result_serializer":
            state["_serializer"] = resolve_serializer(value) if value is not None else None
        elif name == "result_storage":
            state["_storage"] = resolve_storage(value) if value is not None else None
    state.pop("_v2_plan", None)


class _FnDescriptor:
    """`task.fn`: the plain function (a non-data descriptor, so subclasses may assign it)."""

    def __get__(self, task: Any, owner: Any = None) -> Any:
        if task is None:
            return self
        return task.run


class _DescriptionDescriptor:
    """`task.description`: the one given, else the function's docstring (2.6.9)."""

    def __get__(self, task: Any, owner: Any = None) -> Any:
        if task is None:
            return None
        given = task.__dict__.get("description")
        if given is not None:
            return given
        return inspect.getdoc(task.run)


class TaskV2:
    """Mixin of `Task`: the 2.x surface. Class attributes are the 2.x defaults."""

    description: Any = _DescriptionDescriptor()
    version: str | None = None
    cache_key_fn: Callable[..., Any] | None = None
    cache_expiration: datetime.timedelta | None = None
    retries: int = 0
    retry_delay_seconds: float = 0
    persist_result: bool | None = None
    result_storage: Any = None
    result_serializer: Any = None
    cache_result_in_memory: bool = True
    timeout_seconds: float | None = None
    _storage: Any = None
    _serializer: Any = None
    _cache_key_arity: int = 2

    fn = _FnDescriptor()
    name: str

    def __getstate__(self) -> dict[str, Any]:
        """Pickled without the cached 2.x plan (a worker builds its own on first call)."""
        state = self.__dict__
        if "_v2_plan" in state:
            state = {k: v for k, v in state.items() if k != "_v2_plan"}
        return state

    @property
    def isasync(self) -> bool:
        return inspect.iscoroutinefunction(self.run)  # type: ignore[attr-defined]

    @property
    def task_key(self) -> str:
        run = self.run  # type: ignore[attr-defined]
        code = getattr(run, "__qualname__", None) or type(self).__qualname__
        return f"{getattr(run, '__module__', type(self).__module__)}.{code}"

    @property
    def key_hash(self) -> str:
        """8 hex characters of the task key: the middle of 2.x task run names."""
        found = self.__dict__.get("_key_hash")
        if found is None:
            found = hashlib.md5(self.task_key.encode(), usedforsecurity=False).hexdigest()[:8]
            self.__dict__["_key_hash"] = found
        return found  # type: ignore[no-any-return]

    def with_options(self, *, name: str | None = None, tags: Any = None, **options: Any) -> Any:
        """A copy with 2.x options changed; omitted ones keep this task's values.

        An explicit `None` resets an option to "infer" (`persist_result=None`).
        """
        unknown = sorted(set(options) - V2_OPTIONS)
        if unknown:
            raise TypeError(
                f"with_options() got an unexpected keyword argument {unknown[0]!r}; "
                f"it accepts name, tags and {', '.join(sorted(V2_OPTIONS))}."
            )
        new = copy.copy(self)
        new.__dict__.pop("_v2_plan", None)
        if name is not None:
            new.name = name
        if tags is not None:
            new.tags = set(tags)  # type: ignore[attr-defined]
        else:
            new.tags = set(self.tags)  # type: ignore[attr-defined]
        new.state_handlers = list(self.state_handlers)  # type: ignore[attr-defined]
        new._origin = None  # type: ignore[attr-defined]
        apply_options(new, options)
        return new

    def submit(
        self, *args: Any, return_state: bool = False, wait_for: Any = None, **kwargs: Any
    ) -> Any:
        """Run the task on the flow's task runner; returns a PrefectFuture at once."""
        return _calls().call(
            self, args, kwargs, mode="submit", return_state=return_state, wait_for=wait_for
        )

    def _call_outside_graph(  # noqa: PLR0913 - Task.__call__'s parts
        self,
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        mapped: bool,
        task_args: Any,
        upstream_tasks: Any,
    ) -> Any:
        """A call with no 1.x flow being built: run it in the 2.x flow run, if any."""
        calls = _calls()
        if mapped or task_args or upstream_tasks is not None:
            used = [
                n for n, v in zip(_LEGACY_CALL_KEYWORDS, (mapped, task_args, upstream_tasks)) if v
            ]
            calls.check_legacy_keywords(self, used or ["upstream_tasks"])
        if "return_state" in kwargs or "wait_for" in kwargs:
            return_state = kwargs.pop("return_state", False)
            wait_for = kwargs.pop("wait_for", None)
            return calls.call(self, args, kwargs, "call", return_state, wait_for)
        return calls.call(self, args, kwargs, "call")

    def _map_outside_graph(
        self, args: tuple[Any, ...], kwargs: dict[str, Any], task_args: Any, upstream_tasks: Any
    ) -> Any:
        calls = _calls()
        if task_args or upstream_tasks is not None:
            used = [
                n
                for n, v in (("task_args", task_args), ("upstream_tasks", upstream_tasks))
                if v is not None
            ]
            calls.check_legacy_keywords(self, used)
        return_state = kwargs.pop("return_state", False)
        wait_for = kwargs.pop("wait_for", None)
        return calls.map_call(self, args, kwargs, return_state=return_state, wait_for=wait_for)


_CALLS: Any = None


def _calls() -> Any:
    """`prefect_compat._engine.calls`, imported on the first 2.x call (it imports the
    engine, which imports this module)."""
    global _CALLS
    if _CALLS is None:
        from prefect_compat._engine import calls

        _CALLS = calls
    return _CALLS
