"""`prefect.context`: a dict-like view of the run context with attribute access.

The object holds no data itself; every read and write goes to the frame stack in
`prefect_compat._context`. `with context(a=1):` pushes a frame and pops it on exit,
so nested blocks shadow and restore values without copying anything.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, MutableMapping
from contextlib import contextmanager
from typing import Any

from prefect_compat import _context

__all__ = ["Context", "context"]


def _as_plain(value: Any) -> Any:
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict) and isinstance(value, Mapping):
        return to_dict()
    if isinstance(value, Mapping):
        return {k: _as_plain(v) for k, v in value.items()}
    return value


class Context(MutableMapping[str, Any]):
    """The run context (`prefect.context`). Missing attributes raise AttributeError."""

    __slots__ = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if args or kwargs:
            self.update(*args, **kwargs)

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
        if name.startswith("__"):
            raise AttributeError(name)
        try:
            return _context.lookup(name)
        except KeyError:
            raise AttributeError(f"Context has no key {name!r}") from None

    def __setattr__(self, name: str, value: Any) -> None:
        _context.assign(name, value)

    def __delattr__(self, name: str) -> None:
        try:
            _context.delete(name)
        except KeyError:
            raise AttributeError(name) from None

    # -- helpers -----------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """A plain, nested dict of everything visible now (this copies; not for hot paths)."""
        return {k: _as_plain(v) for k, v in _context.flatten().items()}

    def copy(self) -> dict[str, Any]:
        return _context.flatten()

    def __repr__(self) -> str:
        return "<Context>"

    def __reduce__(self) -> Any:
        raise TypeError(
            "Pickling the context is not supported; read it inside the task through "
            "`prefect.context` instead of passing it around."
        )

    @contextmanager
    def __call__(self, *args: MutableMapping[str, Any], **kwargs: Any) -> Iterator[Context]:
        """Enter a scope with extra keys; every change made inside is undone on exit.

        A `config` key is merged into the current config (a new object) rather than
        replacing it, as in Prefect.
        """
        data: dict[str, Any] = dict(args[0]) if args and args[0] else {}
        data.update(kwargs)
        if "config" in data and isinstance(data["config"], Mapping):
            data["config"] = _merged_config(data["config"])
        token = _context.push(data)
        try:
            yield self
        finally:
            _context.pop(token)


def _merged_config(extra: Mapping[str, Any]) -> Any:
    from prefect_compat import _config

    base = _context.lookup("config", None)
    if base is None or base is extra:
        return extra
    merged = base.copy()
    _config.deep_merge(merged, extra)
    return merged


# `prefect.utilities.context.context`: the process-wide Context (also `prefect.context`).
context = Context()
