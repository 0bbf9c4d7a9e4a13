"""`Task`: the user-facing unit of work, its settings, and the graph-building operators.

A Task holds settings the engine reads (retries, trigger, caching, result, state
handlers, ...) and its `run()` method; it never runs anything itself. Calling a task
inside `with Flow(...)` copies it and records edges and constants on the flow
(`__call__` -> `copy` -> `bind` -> `Flow.set_dependencies`).

Costs: the run() signature is inspected once per subclass (`__init_subclass__`)
or per decorated function, never per call; `copy` is a shallow `copy.copy` plus
fixups; construction reads the config defaults by reference.

Hooks other modules rely on:
  `_origin`                 (flow serial, flow name) of the flow whose `with` block built
                            this copy (see `_binding.check_origins`); None otherwise
  `_exclude_from_terminal`  a resource manager's init and cleanup set it; never a default
                            reference task (Flow.reference_tasks)
  `_resource_cleanup`       a resource cleanup: a task with only such downstream tasks
                            can still be a reference task
  `_run_spec`               the cached `RunSpec` (class attribute; per instance for
                            FunctionTask)
  `_logger_name`            the name the task was built with; `task.logger` is
                            `prefect.<that name>` (copies keep it, as in Prefect)
New tasks are reported to an open `case` / resource block by `Flow.add_task`.
"""

from __future__ import annotations

import copy
import datetime
import enum
import inspect
import logging
import typing
from collections.abc import Iterable, Sequence
from typing import Any, Callable, ClassVar

from prefect_compat import _context
from prefect_compat.core import _task_operators
from prefect_compat.core._binding import (
    RunSpec,
    call_signature,
    check_origins,
    resolve_flow,
    run_inputs,
    run_output,
)
from prefect_compat.core._task_settings import (
    TaskLogger,
    cache_validator_for,
    class_attribute_clashes,
    initial_tags,
    result_at_target,
    retry_settings,
    state_handler_list,
    warn_overwritten,
    warning_init,
)
from prefect_compat.core._task_v2 import TaskV2

__all__ = ["EXTRA_CALL_PARAMETERS", "NoDefault", "Task", "TaskMetaclass", "instance_property"]


class TaskMetaclass(type):
    """The metaclass of Task, as in Prefect (for `isinstance(cls, TaskMetaclass)` and subclassing).

    It adds nothing: the per-subclass work (reading `run()`'s signature once, checking
    reserved argument names) is done in `Task.__init_subclass__`.
    """


class NoDefault(enum.Enum):
    """Marks "no default value" where None is a legitimate default."""

    value = "no_default"

    def __repr__(self) -> str:
        return "<no default>"


# Keyword-only arguments every Task.__call__ / bind accepts besides run()'s own.
EXTRA_CALL_PARAMETERS = [
    inspect.Parameter("mapped", inspect.Parameter.KEYWORD_ONLY, default=False, annotation=bool),
    inspect.Parameter("task_args", inspect.Parameter.KEYWORD_ONLY, default=None, annotation=dict),
    inspect.Parameter(
        "upstream_tasks",
        inspect.Parameter.KEYWORD_ONLY,
        default=None,
        annotation=typing.Iterable[Any],  # noqa: UP006 - shown as `Iterable[Any]`, as in Prefect
    ),
    inspect.Parameter("flow", inspect.Parameter.KEYWORD_ONLY, default=None, annotation="Flow"),
]


class instance_property:  # noqa: N801 - Prefect's name
    """Like `property`, but only on instances: reading it on the class raises AttributeError."""

    def __init__(self, func: Callable[[Any], Any]) -> None:
        self.func = func
        self.__doc__ = func.__doc__

    def __get__(self, obj: Any, cls: Any = None) -> Any:
        if obj is None:
            raise AttributeError
        return self.func(obj)


def __getattr__(name: str) -> Any:
    if name == "Parameter":  # 0.13 path; built on first use (core.parameter imports this module)
        value = _moved_parameter()
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _moved_parameter() -> type:
    from prefect_compat._compat.handlers import warn_at_user
    from prefect_compat.core.parameter import Parameter as _Parameter

    class Parameter(_Parameter):
        """Prefect 0.13's `prefect.core.task.Parameter`: a Parameter that warns it moved."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            warn_at_user("`Parameter` has moved, please import as `prefect.Parameter`", UserWarning)
            super().__init__(*args, **kwargs)

    Parameter.__module__ = __name__
    return Parameter


class Task(TaskV2, metaclass=TaskMetaclass):
    """A unit of work: subclass it and implement `run()`, or use the `@task` decorator.

    Also a Prefect 2.x task (`TaskV2`): called inside a running `@flow` function it
    runs at once; `fn`, `submit`, `with_options` and `return_state=` work there.
    """

    _run_spec: ClassVar[RunSpec]
    _origin: tuple[int, str] | None = None
    _exclude_from_terminal: bool = False
    _resource_cleanup: bool = False
    _attribute_clashes: ClassVar[tuple[str, ...]] = ()  # Task attributes a subclass defines
    auto_generated: bool = False  # True for Constant/collection tasks made from plain values
    logger: logging.Logger = TaskLogger()  # type: ignore[assignment]  # lazy, see TaskLogger

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        run = cls.__dict__.get("run")
        if run is not None:
            owner = f"{cls.__name__}.run"
            if isinstance(run, staticmethod):
                cls._run_spec = RunSpec.of(run.__func__, owner)
            else:
                cls._run_spec = RunSpec.of(run, owner, drop_self=True)
        cls._attribute_clashes = class_attribute_clashes(cls, Task)
        init = cls.__dict__.get("__init__")
        if init is not None and not getattr(init, "_warns_on_task_args", False):
            cls.__init__ = warning_init(init)  # type: ignore[method-assign]

    def __init__(  # noqa: PLR0913, PLR0917 - Prefect's public signature
        self,
        name: str | None = None,
        slug: str | None = None,
        tags: Iterable[str] | None = None,
        max_retries: int | None = None,
        retry_delay: datetime.timedelta | None = None,
        retry_on: Any = None,
        timeout: int | datetime.timedelta | None = None,
        trigger: Callable[..., bool] | None = None,
        skip_on_upstream_skip: bool = True,
        cache_for: datetime.timedelta | None = None,
        cache_validator: Callable[..., bool] | None = None,
        cache_key: str | None = None,
        checkpoint: bool | None = None,
        state_handlers: Sequence[Callable[..., Any]] | None = None,
        on_failure: Callable[..., Any] | None = None,
        log_stdout: bool = False,
        result: Any = None,
        target: str | Callable[..., str] | None = None,
        task_run_name: str | Callable[..., str] | None = None,
        nout: int | None = None,
        result_handler: Any = None,
    ) -> None:
        if self.__dict__ or self._attribute_clashes:
            warn_overwritten(self, self._attribute_clashes)
        self.name = name or type(self).__name__
        self._logger_name = self.name
        self.slug = slug
        self.tags = initial_tags(tags)
        self.max_retries, self.retry_delay, self.retry_on, self.timeout = retry_settings(
            max_retries, retry_delay, retry_on, timeout
        )
        if trigger is None:
            from prefect_compat import triggers

            trigger = triggers.all_successful
        self.trigger = trigger
        self.skip_on_upstream_skip = skip_on_upstream_skip
        self.cache_for = cache_for
        self.cache_validator = cache_validator_for(cache_for, cache_validator)
        self.cache_key = cache_key
        self.checkpoint = checkpoint
        from prefect_compat.engine.result.base import check_result_argument

        check_result_argument(result, f"Task {self.name!r}")  # refuse a class or name now
        if result_handler is not None:
            from prefect_compat._compat.handlers import accept_result_handler

            result = accept_result_handler(result, result_handler)
        self.result = result_at_target(result, target)
        self.target = target
        self.result_handler = result_handler
        self.state_handlers = state_handler_list(state_handlers, on_failure)
        self.log_stdout = log_stdout
        self.task_run_name = task_run_name
        self.nout = nout
        flow = _context.lookup("flow", None)
        tracker = getattr(flow, "_unused_task_tracker", None)
        if tracker is not None:
            tracker.add(self)

    def __repr__(self) -> str:
        return f"<Task: {self.name}>"

    __hash__ = object.__hash__

    @instance_property
    def __signature__(self) -> inspect.Signature:
        """`inspect.signature(task)`: how to call it in a flow (run()'s arguments, then
        the keyword-only `mapped`, `task_args`, `upstream_tasks`, `flow`)."""
        return call_signature(self, EXTRA_CALL_PARAMETERS)

    def run(self):  # type: ignore[no-untyped-def]  # unannotated; outputs() says None
        """The work itself; subclasses override it. Arguments arrive by keyword."""

    # -- copying and binding -----------------------------------------------------
    def copy(self, **task_args: Any) -> Task:
        """A shallow copy with `task_args` set as attributes (unknown names: AttributeError).

        Tags given here are added to the task's own, and tags of an enclosing
        `with tags(...)` block are added too. A task with a slug gets `<slug>-copy`
        unless `slug` is given.
        """
        for attr in task_args:
            if not hasattr(self, attr):
                raise AttributeError(f"{self} does not have {attr} as an attribute")
        new = copy.copy(self)
        if "tags" in task_args:
            new_tags = task_args.pop("tags")
            if isinstance(new_tags, str):
                raise TypeError("Tags should be a set of tags, not a string.")
            new.tags = set(self.tags).union(new_tags or ())
        else:
            new.tags = set(self.tags)
        if new.slug and "slug" not in task_args:
            task_args["slug"] = f"{new.slug}-copy"
        for attr, value in task_args.items():
            setattr(new, attr, value)
        context_tags = _context.lookup("tags", None)
        if context_tags:
            new.tags.update(context_tags)
        new.state_handlers = list(new.state_handlers)
        new._origin = None
        return new

    def __call__(
        self,
        *args: Any,
        mapped: bool = False,
        task_args: dict[str, Any] | None = None,
        upstream_tasks: Iterable[Any] | None = None,
        flow: Any = None,
        **kwargs: Any,
    ) -> Task:
        """Add a copy of this task to the flow, fed by `args`/`kwargs`; return the copy.

        With no `with Flow(...)` block open, the call belongs to a running 2.x `@flow`
        (the task runs now) or is an error naming both ways out (`TaskCallError`).
        """
        if flow is None:
            flow = _context.lookup("flow", None)
            if flow is None:
                return self._call_outside_graph(args, kwargs, mapped, task_args, upstream_tasks)
        bound = self._spec().bind(self, args, kwargs)
        tracker = getattr(flow, "_unused_task_tracker", None)
        if tracker is not None:
            tracker.discard(self)
        new = self.copy(**(task_args or {}))
        return new._bind_resolved(flow, bound, upstream_tasks, mapped)

    def bind(
        self,
        *args: Any,
        mapped: bool = False,
        upstream_tasks: Iterable[Any] | None = None,
        flow: Any = None,
        **kwargs: Any,
    ) -> Task:
        """Like calling the task, but adds this very instance (no copy); returns it."""
        flow = resolve_flow(flow, self)
        bound = self._spec().bind(self, args, kwargs)
        return self._bind_resolved(flow, bound, upstream_tasks, mapped)

    def map(
        self,
        *args: Any,
        upstream_tasks: Iterable[Any] | None = None,
        flow: Any = None,
        task_args: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> Task:
        """Call the task once per item of its arguments (wrap whole ones in `unmapped`).

        Inside a running 2.x `@flow` (no `with Flow(...)` block open) it submits one
        run per item and returns their futures.
        """
        if flow is None and _context.lookup("flow", None) is None:
            return self._map_outside_graph(args, kwargs, task_args, upstream_tasks)
        return self(
            *args,
            mapped=True,
            task_args=task_args,
            upstream_tasks=upstream_tasks,
            flow=flow,
            **kwargs,
        )

    def _spec(self) -> RunSpec:
        found = self.__dict__.get("_run_spec")
        if found is not None:
            return found  # type: ignore[no-any-return]
        if "run" in self.__dict__:
            found = RunSpec.of(self.__dict__["run"], f"{self.name}.run")
            self.__dict__["_run_spec"] = found
            return found
        return type(self)._run_spec

    def _bind_resolved(
        self, flow: Any, bound: dict[str, Any], upstream_tasks: Any, mapped: bool
    ) -> Task:
        from prefect_compat.utilities.edges import strip_annotations

        upstream = list(upstream_tasks) if upstream_tasks is not None else []
        tasks = []
        for raw in bound.values():
            value, is_mapped, _ = strip_annotations(raw, mapped)
            if isinstance(value, Task):
                tasks.append(value)
            elif is_mapped:  # refuse what cannot be mapped before adding anything
                from prefect_compat.utilities.tasks import check_mappable

                check_mappable(value)
        tasks += [v for v in (strip_annotations(u)[0] for u in upstream) if isinstance(v, Task)]
        check_origins(flow, tasks)
        self._origin = (flow._serial, flow.name)
        flow.set_dependencies(self, upstream_tasks=upstream, keyword_tasks=bound, mapped=mapped)
        return self

    # -- imperative dependencies ---------------------------------------------------
    def set_dependencies(  # noqa: PLR0913 - Prefect's public signature
        self,
        flow: Any = None,
        upstream_tasks: Iterable[Any] | None = None,
        downstream_tasks: Iterable[Any] | None = None,
        keyword_tasks: dict[str, Any] | None = None,
        mapped: bool = False,
        validate: bool | None = None,
    ) -> Task:
        """`flow.set_dependencies(self, ...)` with the flow taken from context if omitted."""
        flow = _imperative_flow(flow)
        flow.set_dependencies(
            self,
            upstream_tasks=upstream_tasks,
            downstream_tasks=downstream_tasks,
            keyword_tasks=keyword_tasks,
            mapped=mapped,
            validate=validate,
        )
        return self

    def set_upstream(
        self, task: Any, flow: Any = None, key: str | None = None, mapped: bool = False
    ) -> Task:
        """Make `task` run before this one (feeding argument `key`, if given)."""
        if key is not None:
            return self.set_dependencies(flow=flow, keyword_tasks={key: task}, mapped=mapped)
        return self.set_dependencies(flow=flow, upstream_tasks=[task], mapped=mapped)

    def set_downstream(
        self, task: Any, flow: Any = None, key: str | None = None, mapped: bool = False
    ) -> Task:
        """Make `task` run after this one (receiving this result as `key`, if given)."""
        flow = _imperative_flow(flow)
        if key is not None:
            flow.set_dependencies(task, keyword_tasks={key: self}, mapped=mapped)
        else:
            flow.set_dependencies(task, upstream_tasks=[self], mapped=mapped)
        return self

    # -- introspection ----------------------------------------------------------------
    def inputs(self) -> dict[str, dict[str, Any]]:
        """`{argument: {"type", "default", "required"}}` from the run() signature."""
        return run_inputs(self)

    def outputs(self) -> Any:
        """The run() return annotation (`typing.Any` when there is none, None for Task's own)."""
        if self._spec() is Task._run_spec:
            return None  # the base run(), which does nothing
        return run_output(self)

    def serialize(self) -> dict[str, Any]:
        """This task as `TaskSchema` writes it (each task's entry in `flow.serialize()`)."""
        from prefect_compat.serialization.task import TaskSchema

        return TaskSchema().dump(self)  # type: ignore[no-any-return]

    # -- operators: each builds a small task in the current flow (`_task_operators.py`) --
    __iter__ = _task_operators.iterate
    __getitem__ = _task_operators.getitem
    __or__ = _task_operators.run_before
    __ror__ = _task_operators.run_after
    pipe = _task_operators.pipe
    __add__, __radd__ = _task_operators.reflected_pair("Add", "add")
    __sub__, __rsub__ = _task_operators.reflected_pair("Sub", "sub")
    __mul__, __rmul__ = _task_operators.reflected_pair("Mul", "mul")
    __truediv__, __rtruediv__ = _task_operators.reflected_pair("Div", "truediv")
    __floordiv__, __rfloordiv__ = _task_operators.reflected_pair("FloorDiv", "floordiv")
    __pow__, __rpow__ = _task_operators.reflected_pair("Pow", "pow")
    __mod__, __rmod__ = _task_operators.reflected_pair("Mod", "mod")
    __and__, __rand__ = _task_operators.reflected_pair("And", "and")
    __gt__ = _task_operators.binary("GreaterThan", "__gt__")
    __ge__ = _task_operators.binary("GreaterThanOrEqual", "__ge__")
    __lt__ = _task_operators.binary("LessThan", "__lt__")
    __le__ = _task_operators.binary("LessThanOrEqual", "__le__")
    is_equal = _task_operators.binary(
        "Equal", "is_equal", "A task returning `self == other` (`==` itself compares identity)."
    )
    is_not_equal = _task_operators.binary("NotEqual", "is_not_equal")
    not_ = _task_operators.not_
    or_ = _task_operators.binary(
        "Or", "or_", "A task returning `self or other` (`|` sets a dependency instead)."
    )


def _imperative_flow(flow: Any) -> Any:
    if flow is not None:
        return flow
    found = _context.lookup("flow", None)
    if found is None:
        raise ValueError(
            "No Flow was passed, and could not infer an active Flow context: pass flow=... "
            "or build the dependency inside `with Flow(...)`."
        )
    return found


Task._run_spec = RunSpec.of(Task.run, "Task.run", drop_self=True)
_task_operators.resolve_annotations(Task)
