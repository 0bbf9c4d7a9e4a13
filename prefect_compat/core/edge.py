"""`Edge`: one dependency between two tasks, optionally feeding an argument (`key`).

Edges are plain values: equal when their tasks (by identity), key and flags are
equal, so a Flow keeps them in a set. The engine reads the five fields directly.
"""

from __future__ import annotations

import keyword
from typing import Any

__all__ = ["Edge", "check_key", "is_valid_identifier"]


def is_valid_identifier(string: str) -> bool:
    """Whether `string` can name a run() argument: an identifier that is not a keyword."""
    return isinstance(string, str) and string.isidentifier() and not keyword.iskeyword(string)


def check_key(key: str | None, task: Any) -> None:
    """Refuse a `key` that cannot name an argument of `task`'s run() method."""
    if key is not None and not is_valid_identifier(key):
        raise ValueError(
            f'Key must be a valid identifier (received "{key}"): an edge key names an '
            f"argument of {task!r}'s run() method."
        )


class Edge:
    """`upstream_task` runs first; its result is passed as argument `key` if one is set.

    `mapped` makes the downstream task run once per item of the upstream result;
    `flattened` flattens that result by one level first (None means False for both).
    `flow` is accepted for Prefect's signature and not used: building an Edge adds
    nothing to a flow (`Flow.add_edge` does).
    """

    __slots__ = ("downstream_task", "flattened", "key", "mapped", "upstream_task")

    def __init__(  # noqa: PLR0913 - Prefect's public signature
        self,
        upstream_task: Any,
        downstream_task: Any,
        key: str | None = None,
        mapped: bool | None = None,
        flattened: bool | None = None,
        flow: Any = None,
    ) -> None:
        if upstream_task is downstream_task:
            raise ValueError(
                f"Edges can not connect a task to itself. {upstream_task!r} cannot depend on "
                "its own result."
            )
        check_key(key, downstream_task)
        self.upstream_task = upstream_task
        self.downstream_task = downstream_task
        self.key = key
        self.mapped = mapped or False
        self.flattened = flattened or False

    @property
    def tasks(self) -> set[Any]:
        """Both ends of the edge."""
        return {self.upstream_task, self.downstream_task}

    def serialize(self) -> dict[str, Any]:
        """The edge as `EdgeSchema` writes it, each end named by the task's own `slug`."""
        from prefect_compat.serialization.edge import dump_edge

        data = dump_edge(self, {})
        for side in ("upstream_task", "downstream_task"):
            data[side]["slug"] = getattr(getattr(self, side), "slug", None)
        return data

    def _fields(self) -> tuple[Any, ...]:
        return (self.upstream_task, self.downstream_task, self.key, self.mapped, self.flattened)

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._fields() == other._fields()  # type: ignore[attr-defined]

    def __hash__(self) -> int:
        return hash(self._fields())

    def __repr__(self) -> str:
        up = getattr(self.upstream_task, "name", self.upstream_task)
        down = getattr(self.downstream_task, "name", self.downstream_task)
        return (
            f"<Edge(key={self.key}, mapped={self.mapped}, flattened={self.flattened}): "
            f"{up} to {down}>"
        )

    def __getstate__(self) -> tuple[Any, ...]:
        return self._fields()

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        (self.upstream_task, self.downstream_task, self.key, self.mapped, self.flattened) = state
