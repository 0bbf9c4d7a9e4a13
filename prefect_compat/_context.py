"""The run context as a stack of small frames held in a ContextVar.

Why: the engine enters a task context for every task run, so entering and leaving
must be a push and a pop, never a snapshot. Prefect copies the whole context (and
deep-merges the config) per task; here a task frame holds only its own ~10 keys.

Shape: the ContextVar holds the top `_Node`; each node has a `data` dict and a
`parent`. Lookups walk from the top down (the stack is shallow: base, flow run,
task run, plus whatever `with context(...)` blocks the user opened). Writes land in
the top frame, so leaving a block restores every value it shadowed and drops every
key it introduced, which is what Prefect's snapshot-and-restore achieves. Deleting a
key that a lower frame holds leaves a tombstone in the top frame.

Threads: a thread that never entered a frame gets its own base, seeded from the same
defaults as the main thread (config + the `[context]` section), so one thread's
writes never show up in another. Executors hand the caller's frame to their workers
explicitly (`current()` + `run_in()`).

This module must not import the rest of the package.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar, Token
from typing import Any, TypeVar

T = TypeVar("T")


class _Deleted:
    __slots__ = ()

    def __repr__(self) -> str:
        return "<deleted>"


DELETED: Any = _Deleted()
_NOT_FOUND: Any = object()
_NO_DEFAULT: Any = object()


class _Node:
    """One frame: its own keys plus the frame below it."""

    __slots__ = ("data", "parent")

    def __init__(self, data: dict[str, Any], parent: _Node | None) -> None:
        self.data = data
        self.parent = parent


_var: ContextVar[_Node] = ContextVar("prefect_compat.context")
_seed: Callable[[], dict[str, Any]] = dict


def configure_seed(seed: Callable[[], dict[str, Any]]) -> None:
    """Set the function that builds a fresh base frame (config, `[context]` keys)."""
    global _seed
    _seed = seed
    _var.set(_Node(seed(), None))


def reseed() -> None:
    """Put the seed's keys (config, `[context]` keys) into this thread's base frame
    again, after the configuration was reloaded; other keys there stay."""
    node = current()
    while node.parent is not None:
        node = node.parent
    node.data.update(_seed())


def current() -> _Node:
    """The top frame of this thread / task, creating this thread's base if needed."""
    try:
        return _var.get()
    except LookupError:
        node = _Node(_seed(), None)
        _var.set(node)
        return node


def push(data: dict[str, Any]) -> Token[_Node]:
    """Enter a frame holding `data` (the dict is used as is: do not share it)."""
    return _var.set(_Node(data, current()))


def pop(token: Token[_Node]) -> None:
    """Leave the frame entered by the matching `push`."""
    _var.reset(token)


def run_in(node: _Node, fn: Callable[..., T], *args: Any) -> T:
    """Call `fn(*args)` with `node` as the top frame (for worker threads)."""
    token = _var.set(node)
    try:
        return fn(*args)
    finally:
        _var.reset(token)


def lookup(key: str, default: Any = _NO_DEFAULT) -> Any:
    """The value of `key` in the nearest frame; KeyError (or `default`) if absent."""
    node: _Node | None = current()
    while node is not None:
        value = node.data.get(key, _NOT_FOUND)
        if value is not _NOT_FOUND:
            if value is DELETED:
                break
            return value
        node = node.parent
    if default is _NO_DEFAULT:
        raise KeyError(key)
    return default


def get(key: str, default: Any = None) -> Any:
    """`lookup` with a None default: the common engine read."""
    return lookup(key, default)


def assign(key: str, value: Any) -> None:
    """Set `key` in the top frame."""
    current().data[key] = value


def delete(key: str) -> None:
    """Remove `key` as seen from the top frame; KeyError if it is not set."""
    top = current()
    lookup(key)
    top.data.pop(key, None)
    if lookup(key, _NOT_FOUND) is not _NOT_FOUND:
        top.data[key] = DELETED


def flatten(node: _Node | None = None) -> dict[str, Any]:
    """All visible keys as one dict (bottom frame first, so upper frames win)."""
    chain = []
    node = current() if node is None else node
    while node is not None:
        chain.append(node.data)
        node = node.parent
    merged: dict[str, Any] = {}
    for data in reversed(chain):
        merged.update(data)
    return {k: v for k, v in merged.items() if v is not DELETED}


def keys() -> Iterator[str]:
    return iter(flatten())


def contains(key: str) -> bool:
    return lookup(key, _NOT_FOUND) is not _NOT_FOUND


def scope(data: Mapping[str, Any]) -> Token[_Node]:
    """Push a copy of `data` (user-facing `with context(...)`)."""
    return push(dict(data))
