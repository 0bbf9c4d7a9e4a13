"""Results whose value is read only when someone asks for it.

A resumed task run (see `_journal/resume.py`) starts from a Success state whose
Result knows where its checkpoint is but has not read it: `lazy(result, origin)`
turns a Result (a LocalResult, S3Result, ...) into one whose `value` is read from its
`location` on first access. The object then *becomes* a plain instance of its class
again (`__class__` is swapped back), so after the read nothing distinguishes it, and
`type(result).__name__` is the base class's name all along, so the state serializer
and the journal store it as what it is.

`gathered_lazily(children)` is the same idea for a Mapped parent whose children were
resumed: its value (the list of the children's values) is built on first access, so
finishing a fan-out does not read every resumed child's checkpoint.

When the read fails (the file was corrupted after it was recorded and checked), the
access raises `CheckpointLost`, which names the task run it came from. The pipeline
catches it where an upstream value is taken (`pipeline.run_steps`, and the loop where
a mapped task slices its upstream): the run that needed the value waits in a Pending
state carrying `LOST` = (slug, map_index) in its context (a resumed fan-out keeps its
Mapped state under `KEPT`), so nothing downstream of it runs, and the flow run (see
`_journal/resume.py: requeue`) runs the task that produced the checkpoint again, then
the waiting one.

Nothing here is used by a run that resumes nothing: `LAZY_TYPES` stays empty and
`mapping.gathered` skips its check.
"""

from __future__ import annotations

import logging
from typing import Any

from prefect_compat.engine.result.base import Result
from prefect_compat.engine.state import Mapped, Pending, State
from prefect_compat.exceptions import ResultReadError

__all__ = [
    "LAZY_TYPES",
    "LOOP_AT",
    "KEPT",
    "LOST",
    "RESUMED",
    "CheckpointLost",
    "gathered_lazily",
    "is_lazy",
    "lazy",
]

LOST = "prefect_compat.checkpoint_lost"  # context key of a run waiting for a lost checkpoint
LOOP_AT = "prefect_compat.resume_loop"  # context key: a LOOP task resumes after this iteration
RESUMED = "prefect_compat.resumed"  # context key of a resumed Mapped state: the run it came from
KEPT = "prefect_compat.kept"  # context key: the Mapped state a waiting fan-out goes back to
LAZY_TYPES: set[type] = set()  # every lazy class made so far (empty until a resume)
_LAZY_OF: dict[Any, type] = {}
LOGGER = logging.getLogger("prefect.Journal")


class CheckpointLost(ResultReadError):
    """A resumed task run's checkpoint could not be read when its value was needed."""

    def __init__(self, message: str, origin: tuple[str, int | None]) -> None:
        super().__init__(message)
        self.origin = origin

    def waiting(self, state: State | None) -> State:
        """The state of the run that needed the value: Pending (so nothing downstream
        runs) until the task that wrote the checkpoint ran again. A resumed fan-out
        keeps its Mapped state (and its finished children) under `KEPT`."""
        marker: dict[str, Any] = {LOST: self.origin}
        if isinstance(state, Mapped):
            marker[KEPT] = state
        return Pending(f"Waiting for a task to run again: {self}", context=marker)


class _Lazy:
    """Mixin of the lazy classes: `value` is produced by `_produce()` on first access."""

    _base: type = Result

    def _produce(self) -> Any:
        raise NotImplementedError

    @property
    def value(self) -> Any:
        value = self._produce()
        self.value = value  # the setter below: store it and become the base class
        return value

    @value.setter
    def value(self, value: Any) -> None:
        self.__dict__["value"] = value
        self.__dict__.pop("_children", None)
        self.__class__ = self._base

    def __repr__(self) -> str:
        return f"<{self._base.__name__}: not read yet, at {self.__dict__.get('location')!r}>"

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (self._base, dict(self.__dict__)))


def _produce_checkpoint(self: Any) -> Any:
    origin = self.__dict__.get("_origin") or ("?", None)
    slug, index = origin
    name = slug if index is None else f"{slug}[{index}]"
    try:
        return self._base.read(self, self.location).value
    except Exception as exc:  # noqa: BLE001 - storage and deserializer errors of any kind
        LOGGER.warning(
            "Task '%s': its checkpoint at %r cannot be read (%s); running it again.",
            name,
            self.location,
            exc,
        )
        raise CheckpointLost(
            f"the checkpoint of task '{name}' at {self.location!r} cannot be read: {exc}",
            origin,
        ) from exc


def _produce_gathered(self: Any) -> Any:
    return [child.result for child in self.__dict__["_children"]]


def _lazy_class(base: type, produce: Any) -> type:
    key = base if produce is _produce_checkpoint else (base, "gathered")
    found = _LAZY_OF.get(key)
    if found is None:
        # same name and qualname as the base: serializers and reprs see the base class
        found = type(base.__name__, (_Lazy, base), {"_base": base, "_produce": produce})
        found.__qualname__ = base.__qualname__
        found.__module__ = base.__module__
        _LAZY_OF[key] = found
        LAZY_TYPES.add(found)
    return found


def lazy(result: Result, origin: tuple[str, int | None]) -> Result:
    """`result` (a copy with its location set) turned lazy in place; returned."""
    data = result.__dict__
    data.pop("value", None)
    data["_origin"] = origin
    result.__class__ = _lazy_class(type(result), _produce_checkpoint)
    return result


def gathered_lazily(children: list[Any]) -> Result:
    """A Result whose value is `[child.result for child in children]`, built when read."""
    new: Any = object.__new__(_lazy_class(Result, _produce_gathered))
    new.__dict__.update(Result(None).__dict__)
    del new.__dict__["value"]
    new.__dict__["_children"] = children
    return new  # type: ignore[no-any-return]


def is_lazy(result: Any) -> bool:
    """Whether `result` has a value still to read."""
    return type(result) in LAZY_TYPES


def _rebuild(base: type, data: dict[str, Any]) -> Any:
    """Unpickle a lazy result (shipped to a worker): lazy again there."""
    produce = _produce_gathered if "_children" in data else _produce_checkpoint
    new: Any = object.__new__(_lazy_class(base, produce))
    new.__dict__.update(data)
    return new
