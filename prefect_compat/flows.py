"""`prefect.flows` (Prefect 2.x): `@flow` and the 2.x `Flow` class.

`@flow` turns a function into a `Flow` whose call runs it at once as a flow run, with
no server: tasks called inside run immediately (`prefect.task`'s 2.x face), states
and results behave as in Prefect 2.6.9 (see docs/results-v2.md). This `Flow` is not
`prefect.Flow`: that name stays the 1.x `with Flow("name") as flow:` class.

Options are checked when the function is decorated: an unknown serializer name or
storage slug, a storage of the wrong type, a task runner that is not one, negative
retries or timeouts fail here, naming what is accepted.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import inspect
import logging
from typing import Any, Callable

from prefect_compat.task_runners import ConcurrentTaskRunner, resolve_task_runner

__all__ = ["Flow", "flow", "get_run_logger"]

_NOT_SET: Any = object()


def _seconds(owner: str, name: str, value: Any, allow_none: bool) -> Any:
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise TypeError(f"Flow {owner!r}: {name} must be a number of seconds >= 0, got {value!r}.")
    return value


def _timeout(owner: str, value: Any) -> float | None:
    """2.6.9 keeps a float, and None for 0."""
    return float(value) if _seconds(owner, "timeout_seconds", value, True) else None


def _retries(owner: str, value: Any) -> int | None:
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
        raise TypeError(f"Flow {owner!r}: retries must be an int >= 0 (or None), got {value!r}.")
    return value  # type: ignore[no-any-return]


class Flow:
    """A 2.x flow: call it to run it (`my_flow(...)`, `my_flow(return_state=True)`)."""

    def __init__(  # noqa: PLR0913, PLR0917 - Prefect 2.x's public signature
        self,
        fn: Callable[..., Any],
        name: str | None = None,
        version: str | None = None,
        task_runner: Any = ConcurrentTaskRunner,
        description: str | None = None,
        timeout_seconds: float | None = None,
        validate_parameters: bool = True,
        retries: int = 0,
        retry_delay_seconds: float = 0,
        persist_result: bool | None = None,
        result_storage: Any = None,
        result_serializer: Any = None,
        cache_result_in_memory: bool = True,
    ) -> None:
        if not callable(fn):
            raise TypeError("'fn' must be callable")
        self.fn = fn
        # 2.x's default name: the function's, with hyphens for underscores
        self.name: str = name or str(getattr(fn, "__name__", type(fn).__name__)).replace("_", "-")
        self.isasync = inspect.iscoroutinefunction(fn)
        self._signature = inspect.signature(fn)
        self._version = version
        self.description = description or inspect.getdoc(fn)
        self.task_runner = resolve_task_runner(task_runner)
        self.timeout_seconds = _timeout(self.name, timeout_seconds)
        self.should_validate_parameters = validate_parameters
        self.retries = _retries(self.name, retries)
        self.retry_delay_seconds = _seconds(
            self.name, "retry_delay_seconds", retry_delay_seconds, True
        )
        self.persist_result = persist_result
        self.cache_result_in_memory = cache_result_in_memory
        self._set_storage(result_storage)
        self._set_serializer(result_serializer)
        functools.update_wrapper(self, fn)  # type: ignore[arg-type]

    def _set_storage(self, value: Any) -> None:
        from prefect_compat.results import resolve_storage

        self._storage = resolve_storage(value) if value is not None else None
        self.result_storage = value

    def _set_serializer(self, value: Any) -> None:
        from prefect_compat.results import resolve_serializer

        self._serializer = resolve_serializer(value) if value is not None else None
        self.result_serializer = value

    @property
    def version(self) -> str | None:
        """The given version, else a hash of the file that defines the function."""
        if self._version is None:
            try:
                source = inspect.getsourcefile(self.fn)
                with open(source or "", "rb") as fh:
                    self._version = hashlib.md5(fh.read(), usedforsecurity=False).hexdigest()
            except (OSError, TypeError):
                return None
        return self._version

    def __call__(
        self, *args: Any, return_state: bool = False, wait_for: Any = None, **kwargs: Any
    ) -> Any:
        """Run the flow now: its value, or its final State with `return_state=True`."""
        from prefect_compat._engine.flow_calls import call_flow

        return call_flow(self, args, kwargs, return_state, wait_for)

    def with_options(  # noqa: PLR0913 - Prefect 2.x's public signature
        self,
        *,
        name: str | None = None,
        version: str | None = None,
        retries: int | None = None,
        retry_delay_seconds: float | None = None,
        description: str | None = None,
        task_runner: Any = None,
        timeout_seconds: float | None = None,
        validate_parameters: bool | None = None,
        persist_result: Any = _NOT_SET,
        result_storage: Any = _NOT_SET,
        result_serializer: Any = _NOT_SET,
        cache_result_in_memory: bool | None = None,
    ) -> Flow:
        """A copy with options changed; omitted ones keep this flow's values.

        For `persist_result`, `result_storage` and `result_serializer` an explicit
        None resets the option to "infer".
        """
        new = copy.copy(self)
        changes = {
            "name": name,
            "_version": version,
            "description": description,
            "should_validate_parameters": validate_parameters,
            "cache_result_in_memory": cache_result_in_memory,
        }
        for attr, value in changes.items():
            if value is not None:
                setattr(new, attr, value)
        if retries is not None:
            new.retries = _retries(new.name, retries)
        if retry_delay_seconds is not None:
            new.retry_delay_seconds = _seconds(
                new.name, "retry_delay_seconds", retry_delay_seconds, False
            )
        if timeout_seconds is not None:
            new.timeout_seconds = _timeout(new.name, timeout_seconds)
        if task_runner is not None:
            new.task_runner = resolve_task_runner(task_runner)
        if persist_result is not _NOT_SET:
            new.persist_result = persist_result
        if result_storage is not _NOT_SET:
            new._set_storage(result_storage)
        if result_serializer is not _NOT_SET:
            new._set_serializer(result_serializer)
        return new

    def validate_parameters(self, parameters: dict[str, Any]) -> dict[str, Any]:
        """The parameters as the flow receives them: not validated or coerced here
        (docs/results-v2.md), only checked against the signature."""
        from prefect_compat._engine.flow_calls import bind

        return dict(bind(self, (), dict(parameters)).arguments)

    def __repr__(self) -> str:
        return f"Flow(name={self.name!r})"


def flow(  # noqa: PLR0913 - Prefect 2.x's public signature
    __fn: Callable[..., Any] | None = None,
    *,
    name: str | None = None,
    version: str | None = None,
    task_runner: Any = ConcurrentTaskRunner,
    description: str | None = None,
    timeout_seconds: float | None = None,
    validate_parameters: bool = True,
    retries: int = 0,
    retry_delay_seconds: float = 0,
    persist_result: bool | None = None,
    result_storage: Any = None,
    result_serializer: Any = None,
    cache_result_in_memory: bool = True,
) -> Any:
    """Make a function a 2.x flow: `@flow` or `@flow(name=..., retries=..., ...)`."""
    options = {
        "name": name,
        "version": version,
        "task_runner": task_runner,
        "description": description,
        "timeout_seconds": timeout_seconds,
        "validate_parameters": validate_parameters,
        "retries": retries,
        "retry_delay_seconds": retry_delay_seconds,
        "persist_result": persist_result,
        "result_storage": result_storage,
        "result_serializer": result_serializer,
        "cache_result_in_memory": cache_result_in_memory,
    }
    if __fn is None:
        return lambda fn: Flow(fn, **options)
    return Flow(__fn, **options)


class PrefectLogAdapter(logging.LoggerAdapter):  # type: ignore[type-arg]
    """A run's logger: its records carry the run's names and ids (`extra`), merged with
    any `extra=` a call passes."""

    def process(self, msg: Any, kwargs: Any) -> tuple[Any, Any]:
        kwargs["extra"] = {**(self.extra or {}), **(kwargs.get("extra") or {})}
        return msg, kwargs


def get_run_logger(context: Any = None, **kwargs: str) -> PrefectLogAdapter:
    """The logger of the current 2.x run (or of `context`): `prefect.task_runs` in a
    task run, else `prefect.flow_runs`, with the run's names and ids, and `kwargs`,
    on every record."""
    from prefect_compat.exceptions import MissingContextError
    from prefect_compat.utilities.context import TaskRunContext, get_run_context

    if context is None:
        try:
            context = get_run_context()
        except MissingContextError:
            raise MissingContextError(
                "There is no active flow or task run context. Call get_run_logger() inside "
                "a function decorated with @flow or @task while it runs, or pass it a run "
                "context; in a Prefect 1.x flow use `prefect.context.get('logger')`."
            ) from None
    if isinstance(context, TaskRunContext):
        extra = {"task_run_id": str(context.task_run.id), "task_run_name": context.name}
        extra["task_name"] = context.task.name
        parent = context.flow_run_context
        if parent is not None:
            extra["flow_run_id"] = str(parent.flow_run.id)
            extra["flow_run_name"] = parent.flow_run.name
            extra["flow_name"] = parent.flow.name
        name = "prefect.task_runs"
    else:
        extra = {
            "flow_run_name": context.flow_run.name,
            "flow_run_id": str(context.flow_run.id),
            "flow_name": context.flow.name,
        }
        name = "prefect.flow_runs"
    extra.update(kwargs)
    return PrefectLogAdapter(logging.getLogger(name), extra)
