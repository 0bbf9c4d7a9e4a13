"""`Result`: a value plus where it is (or will be) stored and how it is serialized.

Results are immutable by copy: `copy`, `from_value`, `format`, `read` and `write`
return a new object and never change the receiver, so one task-level Result (with
its location template) can be shared by every run of that task. `copy` and
`from_value` run once per task run, so they copy `__dict__` directly instead of
going through the `copy` module.

The base class cannot persist anything: `exists`/`read`/`write` raise
`ResultNotImplementedError`, which the engine treats as "keep the value in memory".
Storage-backed subclasses live in `prefect_compat.engine.results`.
"""

from __future__ import annotations

import logging
import os
import uuid
from datetime import datetime, timezone
from typing import Any, Callable, TypeVar, Union

from prefect_compat.engine.serializers import PickleSerializer, Serializer, resolve_serializer

__all__ = [
    "NoResult",
    "NoResultType",
    "Result",
    "ResultInterface",
    "ResultNotImplementedError",
    "SafeResult",
]

R = TypeVar("R", bound="Result")

Location = Union[str, Callable[..., str], None]

_MISSING = object()  # an attribute the other Result does not have


class ClassLogger:
    """The `logger` attribute: `prefect.<ClassName>`, looked up on use (so building a
    Result stays cheap) and replaceable per instance (`self.logger = ...`), as Prefect's
    plain attribute is."""

    def __get__(self, instance: object, owner: type) -> Any:
        if instance is None:
            return self
        return logging.getLogger(f"prefect.{type(instance).__name__}")


class ResultNotImplementedError(NotImplementedError):
    """A storage operation was asked of a Result class that has no storage."""


def _not_implemented(result: Result, operation: str) -> ResultNotImplementedError:
    name = type(result).__name__
    if type(result) is Result:
        why = "the base Result class keeps values in memory only"
    else:
        why = f"{name} does not persist values"
    return ResultNotImplementedError(
        f"{name}.{operation}() is not available: {why}. Give the task or flow a "
        "storage-backed Result (e.g. result=LocalResult(dir=...), S3Result or "
        "PrefectResult) to persist or look up values."
    )


class ResultInterface:
    """0.13: the common base of `Result` and `SafeResult` (kept for isinstance checks)."""

    def to_result(self, result_handler: Any = None) -> ResultInterface:
        """The hydrated Result (a Result is one already)."""
        return self

    def store_safe_value(self) -> None:
        """0.13 hook for persisting the value; Results write through `write()` instead."""


class Result(ResultInterface):
    """A value, its storage location (str template, callable, or None) and serializer."""

    # Class-level default so subclasses that skip Result.__init__ still format.
    _formatter: Callable[..., str] | None = None

    def __init__(
        self,
        value: Any = None,
        location: Location = None,
        serializer: Serializer | str | None = None,
    ) -> None:
        self.value = value
        # a name ("json", "compressed/pickle") resolves here; a non-serializer is refused
        self.serializer = (
            PickleSerializer() if serializer is None else resolve_serializer(serializer)
        )
        if location is None or isinstance(location, str):
            self.location = location
        elif isinstance(location, os.PathLike):
            self.location = os.fspath(location)
        elif callable(location):
            self._formatter = location
            self.location = None
        else:
            raise TypeError(
                f"Result location must be a str template, a callable returning a str, or "
                f"None; got {type(location).__name__} ({location!r})."
            )

    logger = ClassLogger()

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self.value!r}>"

    def __eq__(self, other: object) -> Any:
        """Same exact type, and each public attribute of `self` equals `other`'s.

        The comparisons are combined with `&`, as Prefect does: results holding numpy
        arrays or DataFrames compare element-wise (an array or frame comes back rather
        than an "ambiguous truth value" error), and a NaN value is never equal to itself.
        """
        if type(self) is not type(other):
            return False
        theirs = other.__dict__
        equal: Any = True
        for key, value in self.__dict__.items():
            if not key.startswith("_"):
                equal = equal & (value == theirs.get(key, _MISSING))
        return equal

    __hash__ = None  # type: ignore[assignment]  # equal-by-value and mutable

    def copy(self: R) -> R:
        """A shallow copy (shares the value and the serializer)."""
        new = self.__class__.__new__(self.__class__)
        new.__dict__.update(self.__dict__)
        return new

    def from_value(self: R, value: Any) -> R:
        """A copy holding `value` and no location (the value is not stored anywhere)."""
        new = self.__class__.__new__(self.__class__)
        new.__dict__.update(self.__dict__)
        new.location = None
        new.value = value
        return new

    @property
    def default_location(self) -> str:
        """`YYYY/M/D/<uuid4>.prefect_result` (UTC date, no zero padding)."""
        now = datetime.now(timezone.utc)
        return f"{now.year}/{now.month}/{now.day}/{uuid.uuid4()}.prefect_result"

    def format(self: R, **kwargs: Any) -> R:
        """A copy whose location is rendered from `kwargs`.

        A str location is a `str.format` template (a missing key raises KeyError); a
        callable location is called with the kwargs; no location gives
        `default_location`.
        """
        return self._formatted(kwargs)

    def _formatted(self: R, kwargs: dict[str, Any]) -> R:
        """`format(**kwargs)` for a dict already made (the write path, once per checkpoint)."""
        cls = self.__class__
        if cls.copy is Result.copy:
            new = cls.__new__(cls)
            new.__dict__.update(self.__dict__)
        else:  # a subclass that copies its own way
            new = self.copy()
        location = self.location
        if isinstance(location, str):
            try:
                new.location = location.format_map(kwargs)
            except ValueError:  # positional fields: str.format's own error, as Prefect's
                new.location = location.format(**kwargs)
        elif self._formatter is not None:
            new.location = self._formatter(**kwargs)
        else:
            new.location = new.default_location
        return new

    def exists(self, location: str, **kwargs: Any) -> bool:
        """Whether a value is stored at `location` (formatted with `kwargs`)."""
        raise _not_implemented(self, "exists")

    def read(self: R, location: str) -> R:
        """A copy holding the value stored at `location`."""
        raise _not_implemented(self, "read")

    def write(self: R, value_: Any, **kwargs: Any) -> R:
        """Store `value_`; returns a copy with the value and its rendered location."""
        raise _not_implemented(self, "write")


def at_target(result: Result, target: Any) -> Result:
    """A copy of `result` that writes to `target` (a location template or a callable)."""
    new = result.copy()
    if callable(target):
        new._formatter = target
        new.location = None
    else:
        new.location = target
    return new


def check_result_argument(value: Any, owner: str, argument: str = "result") -> Any:
    """`value` if it can be a Task's or Flow's Result (None or a Result instance).

    Called when the Task or Flow is built, so `result=LocalResult` (the class) or
    `result="local"` fails at the user's line instead of after the task has run.
    """
    if value is None or isinstance(value, Result):
        return value
    if isinstance(value, type):
        example = f"{value.__name__}(...)" if issubclass(value, Result) else "LocalResult(...)"
        got = f"the class {value.__name__}"
    elif isinstance(value, (str, bytes, os.PathLike)):
        example = "LocalResult(dir=...)"
        got = f"the {type(value).__name__} {value!r}"
    else:
        example = "LocalResult(dir=...)"
        got = f"a value of type {type(value).__name__}"
        if callable(getattr(value, "write", None)) and callable(getattr(value, "read", None)):
            example += " (a 0.10-style result handler goes in result_handler=)"
    raise TypeError(
        f"{owner}: {argument}= expects a Result instance, got {got}. Pass an instance, "
        f"e.g. {argument}={example}."
    )


def _public(attrs: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in attrs.items() if not key.startswith("_")}


class NoResultType(Result):
    """The type of `NoResult`: a state that carries no result at all.

    Distinct from `Result(value=None)`, which is a result whose value is None.
    Under `compat.prefect_version = "0.13"` it prints as 0.13's did (`NoResult`,
    `<No result>`); 1.x prints it as any other Result.
    """

    def __repr__(self) -> str:
        from prefect_compat._compat.era import legacy_013

        return "<No result>" if legacy_013() else super().__repr__()

    def __str__(self) -> str:
        from prefect_compat._compat.era import legacy_013

        return "NoResult" if legacy_013() else super().__repr__()


NoResult = NoResultType()


class SafeResult(ResultInterface):
    """0.13: a stored value's location (`value`) plus the result handler that reads it.

    Only found in states written by Prefect 0.13 and older; `to_result()` reads the
    value back through the handler.
    """

    def __init__(self, value: Any, result_handler: Any) -> None:
        self.value = value
        self.result_handler = result_handler

    def __repr__(self) -> str:
        return f"<SafeResult: {self.value!r}>"

    def __eq__(self, other: object) -> bool:
        if type(self) is not type(other):
            return False
        return _public(self.__dict__) == _public(other.__dict__)

    __hash__ = None  # type: ignore[assignment]

    def to_result(self, result_handler: Any = None) -> Result:
        """A Result holding the value `result_handler` (default: our own) reads at `value`."""
        handler = self.result_handler if result_handler is None else result_handler
        return Result(value=handler.read(self.value), location=self.value)
