"""Validation and defaults for Task settings (retries, timeout, caching, result, handlers).

Kept apart from `task.py` so the Task class reads as its public surface. Every
function here runs once per Task construction, never per run. Warnings use
stacklevels that point at the user's `Task(...)` / `@task(...)` line when called
from `Task.__init__`.
"""

from __future__ import annotations

import datetime
import functools
import warnings
from collections.abc import Iterable, Sequence
from typing import Any, Callable

from prefect_compat import _context
from prefect_compat.core._binding import warn_task_arguments

__all__ = [
    "TASK_ATTRIBUTES",
    "TaskLogger",
    "cache_validator_for",
    "class_attribute_clashes",
    "initial_tags",
    "result_at_target",
    "retry_settings",
    "state_handler_list",
    "warn_overwritten",
    "warning_init",
]

# What Task.__init__ sets; a subclass that sets one first is warned (1.x), as it is replaced.
TASK_ATTRIBUTES = frozenset((
    "auto_generated", "cache_for", "cache_key", "cache_validator", "checkpoint", "log_stdout",
    "logger", "max_retries", "name", "nout", "result", "retry_delay", "retry_on",
    "skip_on_upstream_skip", "slug", "state_handlers", "tags", "target", "task_run_name",
    "timeout", "trigger",
))  # fmt: skip


class OnFailure:
    """State handler wrapping `on_failure=fn(obj, state)`: calls it on failed states only."""

    __slots__ = ("fn",)

    def __init__(self, fn: Callable[[Any, Any], Any]) -> None:
        self.fn = fn

    def __call__(self, obj: Any, old_state: Any, new_state: Any) -> Any:
        if new_state.is_failed():
            self.fn(obj, new_state)
        return new_state

    def __repr__(self) -> str:
        return f"<on_failure: {getattr(self.fn, '__name__', self.fn)!r}>"


def state_handler_list(handlers: Any, on_failure: Any) -> list[Any]:
    """Validated list of handlers (a Sequence), with `on_failure` appended as a handler."""
    if handlers is None:
        handlers = []
    if not isinstance(handlers, Sequence):
        raise TypeError("state_handlers should be iterable.")
    result = list(handlers)
    if on_failure is not None:
        result.append(OnFailure(on_failure))
    return result


def _task_defaults() -> Any:
    from prefect_compat.configuration import config

    return config.get("tasks", {}).get("defaults", {})


def _retry_delay(value: Any) -> datetime.timedelta | None:
    if value is None or value is False:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return datetime.timedelta(seconds=value)
    return value  # type: ignore[no-any-return]


def _timeout_seconds(value: Any) -> int | None:
    if value is None or value is False:
        return None
    if isinstance(value, datetime.timedelta):
        if value.microseconds:
            warnings.warn(
                "Task timeouts do not support a sub-second resolution; smaller units will be "
                "ignored!",
                UserWarning,
                stacklevel=4,
            )
        return int(value.total_seconds())
    if not isinstance(value, int):
        raise TypeError("Only integer timeouts (representing seconds) are supported.")
    return value


def _retry_on(value: Any, max_retries: int) -> set[type[BaseException]] | None:
    if value is None:
        return None
    if not max_retries:
        raise ValueError("A number of `max_retries` must be provided if `retry_on` is set.")
    # one exception type, or a collection of them; a string or an instance is one value
    single = isinstance(value, (type, str)) or not isinstance(value, Iterable)
    types = {value} if single else set(value)
    for item in types:
        if not isinstance(item, type):
            raise TypeError(
                f"Invalid `retry_on` value {item!r}. Expected an exception type but got an "
                f"instance of {type(item).__name__}"
            )
        if not issubclass(item, BaseException):
            raise TypeError(f"Invalid `retry_on` value {item!r}. Expected an exception subclass.")
    return types


def result_at_target(result: Any, target: Any) -> Any:
    """A copy of `result` whose location is `target` (warning if it had another one)."""
    if result is None or target is None:
        return result
    old = result.location if result.location is not None else result._formatter
    if old is not None and old != target:
        warnings.warn(
            "Both `result.location` and `target` were provided. The `target` value will be used.",
            UserWarning,
            stacklevel=3,
        )
    from prefect_compat.engine.result.base import at_target

    return at_target(result, target)


def initial_tags(tags: Iterable[str] | None) -> set[str]:
    """`tags` as a set, plus the tags of enclosing `with tags(...)` blocks."""
    if isinstance(tags, str):
        raise TypeError("Tags should be a set of tags, not a string.")
    found = set(tags) if tags else set()
    context_tags = _context.lookup("tags", None)
    if context_tags:
        found.update(context_tags)
    return found


def retry_settings(
    max_retries: Any, retry_delay: Any, retry_on: Any, timeout: Any
) -> tuple[int, datetime.timedelta | None, set[type[BaseException]] | None, int | None]:
    """Validated `(max_retries, retry_delay, retry_on, timeout)`; None means the config default."""
    defaults = _task_defaults()
    if max_retries is None:
        max_retries = defaults.get("max_retries")
    if retry_delay is None:
        retry_delay = defaults.get("retry_delay")
    if timeout is None:
        timeout = defaults.get("timeout")
    retries = int(max_retries or 0)
    delay = _retry_delay(retry_delay)
    if retries > 0 and delay is None:
        raise ValueError("A datetime.timedelta `retry_delay` must be provided if max_retries > 0")
    if delay is not None and not retries:
        raise ValueError(
            "A `max_retries` argument greater than 0 must be provided if specifying a retry delay."
        )
    return retries, delay, _retry_on(retry_on, retries), _timeout_seconds(timeout)


def cache_validator_for(cache_for: Any, cache_validator: Any) -> Any:
    """The validator to use: given one (warning if it can never apply), else by `cache_for`."""
    from prefect_compat.engine import cache_validators

    if cache_validator is not None:
        if cache_for is None:
            warnings.warn(
                "cache_validator provided without specifying cache expiration (cache_for); "
                "this Task will not be cached.",
                UserWarning,
                stacklevel=3,
            )
        return cache_validator
    return cache_validators.never_use if cache_for is None else cache_validators.duration_only


def warning_init(init: Callable[..., None]) -> Callable[..., None]:
    """Wrap a subclass __init__ to warn (once, at the outermost level) about Task args."""

    @functools.wraps(init)
    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        if (args or kwargs) and type(self).__init__ is __init__:
            warn_task_arguments(type(self).__name__, args, kwargs)
        init(self, *args, **kwargs)

    __init__._warns_on_task_args = True  # type: ignore[attr-defined]
    return __init__


def class_attribute_clashes(cls: type, base: type) -> tuple[str, ...]:
    """Task attributes that `cls` or a class between it and `base` defines at class level."""
    found: set[str] = set()
    for klass in cls.__mro__:
        if klass is base:
            break
        found.update(TASK_ATTRIBUTES.intersection(vars(klass)))
    return tuple(sorted(found))


def warn_overwritten(task: Any, class_clashes: tuple[str, ...]) -> None:
    """Warn, as Prefect 1.x does, about each Task attribute set before `Task.__init__`.

    Called only when the instance already holds attributes or its class defines one
    of them, so a plain construction pays a single truth test.
    """
    clashes = TASK_ATTRIBUTES.intersection(task.__dict__).union(class_clashes)
    task.__dict__.pop("logger", None)  # replaced, as Prefect builds a new one here
    if not clashes:
        return
    from prefect_compat._compat.era import legacy_013

    if legacy_013():
        return
    cls_name = type(task).__name__
    for attr in sorted(clashes):
        warnings.warn(
            f"`{cls_name}` sets a `{attr}` attribute, which will be overwritten by "
            f"`prefect.Task`. Please rename this attribute to avoid this issue.",
            UserWarning,
            stacklevel=3,  # the subclass __init__ (or the call, for a class attribute)
        )


class TaskLogger:
    """`task.logger`: the `prefect.<task name>` logger, looked up on first use, then kept.

    Prefect builds it in `Task.__init__` from the name the task was built with, so a
    renamed copy still logs under the original name; we record that name there and look
    the logger up lazily, once per task (never per run). A non-data descriptor: the
    logger lands in the instance dict, so `task.logger = other` works as in Prefect.
    """

    def __get__(self, task: Any, owner: Any = None) -> Any:
        if task is None:
            return self
        from prefect_compat.utilities.logging import get_logger

        logger = get_logger(task.__dict__.get("_logger_name") or task.name)
        task.__dict__["logger"] = logger
        return logger
