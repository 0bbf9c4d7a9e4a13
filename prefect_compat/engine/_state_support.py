"""Helpers and method bodies of the State classes, kept apart so `engine/state.py`
reads as the taxonomy: the classes, their constructors and their predicates.

Nothing here defines a State; the classes stay in `engine/state.py`, whose module
name is what pickles record. The functions below whose first parameter is `self`
are bound as methods there, unwrapped (`load_result = _state_support.load_result`),
so calling one costs what a method defined in the class body costs; their
docstrings are the methods' docstrings. The rest are the time normalisation the
Scheduled-like and Cached constructors call and the attribute filter of `__eq__`.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import TYPE_CHECKING, Any, Dict, List, Mapping, Type, TypeVar, Union

from prefect_compat._datetime import DateTime, as_datetime

if TYPE_CHECKING:
    from prefect_compat.engine.result.base import Result
    from prefect_compat.engine.state import State

S = TypeVar("S", bound="State")
_EQ_IGNORED = frozenset({"context", "message"})


def _utc(value: datetime | None, owner: object, argument: str) -> datetime | None:
    """Aware datetimes kept; naive ones taken as UTC; a date is its midnight, UTC. The
    result prints as Prefect's pendulum times do (`_datetime.DateTime`)."""
    if value is None:
        return None
    try:
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
    except AttributeError:
        value = _from_date(value, owner, argument)
    return as_datetime(value)


def _from_date(value: Any, owner: object, argument: str) -> datetime:
    if isinstance(value, date):
        return DateTime(value.year, value.month, value.day, tzinfo=timezone.utc)
    raise TypeError(
        f"{type(owner).__name__}({argument}=...) must be a datetime (naive ones are "
        f"read as UTC), got {type(value).__name__} {value!r}; convert it first, e.g. "
        "datetime.fromisoformat('2020-01-01T00:00:00+00:00')."
    )


def _public(state: State) -> Dict[str, Any]:
    return {
        key: value
        for key, value in state.__dict__.items()
        if not key.startswith("_") and key not in _EQ_IGNORED
    }


# -- pickling -------------------------------------------------------------------------


def getstate(self: State) -> Dict[str, Any]:
    """Pickle support: an exception result that cannot be pickled becomes a description.

    A failed task keeps its exception as its result; if that exception holds
    something unpicklable (a lock, a socket), shipping the state to another
    process would fail. The live state is left untouched.
    """
    data = self.__dict__
    # the stored value only: a result still to be read (a resumed run's) stays unread
    value = getattr(data.get("_result"), "__dict__", {}).get("value")
    if isinstance(value, BaseException):
        description = _unpicklable_description(value)
        if description is not None:
            data = dict(data, _result=data["_result"].from_value(description))
    return data


def _unpicklable_description(exc: BaseException) -> str | None:
    import pickle

    import cloudpickle

    try:
        cloudpickle.dumps(exc)
    except (pickle.PicklingError, TypeError, AttributeError, ValueError) as err:
        return f"The following exception could not be pickled due to {err!r}: {exc!r}"
    return None


# -- loading stored results -----------------------------------------------------------


def load_result(self: S, result: Result | None = None) -> S:
    """Fill in the value from storage when only a location is known; returns self.

    `result` is the reader to use (e.g. the task's LocalResult); by default the
    state's own Result reads its location.
    """
    known = self._result
    if known.value is None and known.location is not None:
        reader = known if result is None else result
        self._result = reader.read(known.location)
    return self


def load_cached_results(self: S, results: Mapping[str, Result] | None = None) -> S:
    """`load_result` for every cached input; `results` maps input names to readers.

    An input without a location is read at its reader's location, if it has one.
    """
    readers = results or {}
    loaded = {}
    for key, known in self.cached_inputs.items():
        reader = readers.get(key, known)
        location = known.location or getattr(reader, "location", None)
        if known.value is None and location is not None:
            loaded[key] = reader.read(location)
        else:
            loaded[key] = known
    self.cached_inputs = loaded
    return self


# -- serialization (prefect_compat.serialization.state) -------------------------------


def serialize(self: State) -> Dict[str, Any]:
    """This state as a plain-JSON dict in Prefect's format (result value left out)."""
    from prefect_compat.serialization.state import dump_state

    return dump_state(self)


def deserialize(json_blob: Dict[str, Any]) -> State:
    """The state a `serialize()` dict describes (its class comes from `type`)."""
    from prefect_compat.serialization.state import load_state

    return load_state(json_blob)  # type: ignore[no-any-return]


# -- class helpers (bound as classmethods) --------------------------------------------


def children(
    cls: Type[State], include_self: bool = False, names_only: bool = False
) -> List[Union[Type[State], str]]:
    """Every public subclass, depth first in definition order (private ones hidden)."""
    found: List[Type[State]] = []
    _collect_subclasses(cls, found)
    if include_self:
        found.append(cls)
    return [c.__name__ for c in found] if names_only else list(found)


def parents(
    cls: Type[State], include_self: bool = False, names_only: bool = False
) -> List[Union[Type[State], str]]:
    """Public ancestors, nearest first, ending with State."""
    found = [c for c in cls.__mro__[1:] if c is not object and not c.__name__.startswith("_")]
    if include_self:
        found.append(cls)
    return [c.__name__ for c in found] if names_only else list(found)


def _collect_subclasses(cls: Type[State], found: List[Type[State]]) -> None:
    for sub in cls.__subclasses__():
        if not sub.__name__.startswith("_"):
            found.append(sub)
        _collect_subclasses(sub, found)
