"""Small collection helpers Prefect users import, plus the ordered set behind `flow.tasks`.

`OrderedSet` is why flows run in a stable order: it is a set (equality with plain
sets, set algebra, O(1) membership) that iterates in insertion order. It counts its
own changes in `_changes`, so a Flow can notice edits made to `flow.tasks` or
`flow.edges` behind its back. Nothing here imports the rest of the package.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, MutableMapping, MutableSet
from collections.abc import Set as AbstractSet
from typing import Any, TypeVar

__all__ = [
    "CompoundKey",
    "D",
    "DotDict",
    "OrderedSet",
    "as_nested_dict",
    "dict_to_flatdict",
    "flatdict_to_dict",
    "flatten_seq",
    "merge_dicts",
]

T = TypeVar("T")
D = TypeVar("D", bound=MutableMapping)


class OrderedSet(MutableSet[T]):
    """A set that remembers insertion order (a dict with None values underneath)."""

    __slots__ = ("_changes", "_items")

    def __init__(self, items: Iterable[T] = ()) -> None:
        self._items: dict[T, None] = dict.fromkeys(items)
        self._changes = 0

    @classmethod
    def _from_iterable(cls, items: Iterable[T]) -> OrderedSet[T]:  # type: ignore[override]  # typeshed: generic in _S
        return cls(items)

    def __contains__(self, item: object) -> bool:
        return item in self._items

    def __iter__(self) -> Iterator[T]:
        return iter(self._items)

    def __reversed__(self) -> Iterator[T]:
        return reversed(list(self._items))

    def __len__(self) -> int:
        return len(self._items)

    def add(self, item: T) -> None:
        if item not in self._items:
            self._items[item] = None
            self._changes += 1

    def discard(self, item: T) -> None:
        if item in self._items:
            del self._items[item]
            self._changes += 1

    def clear(self) -> None:
        if self._items:
            self._items.clear()
            self._changes += 1

    def update(self, *others: Iterable[T]) -> None:
        for other in others:
            for item in other:
                self.add(item)

    def copy(self) -> OrderedSet[T]:
        return type(self)(self._items)

    def union(self, *others: Iterable[T]) -> OrderedSet[T]:
        new = self.copy()
        new.update(*others)
        return new

    def __and__(self, other: Any) -> OrderedSet[T]:
        """Items of this set (in its order) that are also in `other`."""
        if not isinstance(other, Iterable):
            return NotImplemented
        keep = other if isinstance(other, AbstractSet) else set(other)
        return type(self)(x for x in self._items if x in keep)

    __rand__ = __and__

    def intersection(self, *others: Iterable[Any]) -> OrderedSet[T]:
        keep = [set(other) for other in others]
        return type(self)(x for x in self._items if all(x in k for k in keep))

    def difference(self, *others: Iterable[Any]) -> OrderedSet[T]:
        drop: set[Any] = set().union(*others)
        return type(self)(x for x in self._items if x not in drop)

    def symmetric_difference(self, other: Iterable[T]) -> OrderedSet[T]:
        """Items in exactly one of the two (this set's first, then `other`'s)."""
        theirs = list(dict.fromkeys(other))
        mine = set(theirs)
        return type(self)(
            [x for x in self._items if x not in mine] + [x for x in theirs if x not in self._items]
        )

    def difference_update(self, *others: Iterable[Any]) -> None:
        for item in set().union(*others):
            self.discard(item)

    def intersection_update(self, *others: Iterable[Any]) -> None:
        keep = self.intersection(*others)
        for item in [x for x in self._items if x not in keep]:
            self.discard(item)

    def symmetric_difference_update(self, other: Iterable[T]) -> None:
        new = self.symmetric_difference(other)
        self.clear()
        self.update(new)

    def issubset(self, other: Iterable[Any]) -> bool:
        return self <= (other if isinstance(other, (set, frozenset, OrderedSet)) else set(other))

    def issuperset(self, other: Iterable[Any]) -> bool:
        return all(x in self._items for x in other)

    def __repr__(self) -> str:
        if not self._items:
            return "set()"
        return "{" + ", ".join(repr(x) for x in self._items) + "}"

    def __getstate__(self) -> dict[str, Any]:
        return {"_items": self._items, "_changes": self._changes}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._items = state["_items"]
        self._changes = state["_changes"]


class DotDict(MutableMapping[Any, Any]):
    """A dict whose keys are also attributes (`d.a == d["a"]`); values are not converted."""

    def __init__(self, init_dict: Mapping[Any, Any] | None = None, **kwargs: Any) -> None:
        if init_dict:
            self.update(init_dict)
        self.update(kwargs)

    def __getitem__(self, key: Any) -> Any:
        return self.__dict__[key]

    def __setitem__(self, key: Any, value: Any) -> None:
        self.__dict__[key] = value

    def __delitem__(self, key: Any) -> None:
        del self.__dict__[key]

    def __iter__(self) -> Iterator[Any]:
        return iter(self.__dict__)

    def __len__(self) -> int:
        return len(self.__dict__)

    def __contains__(self, key: object) -> bool:
        return key in self.__dict__

    def get(self, key: Any, default: Any = None) -> Any:
        return self.__dict__.get(key, default)

    def copy(self) -> DotDict:
        return type(self)(self.__dict__.copy())

    def to_dict(self) -> dict[Any, Any]:
        """A plain dict, converting nested DotDicts (and dicts inside lists) as well."""
        return as_nested_dict(self, dict)  # type: ignore[no-any-return]

    def __repr__(self) -> str:
        keys = sorted(repr(k) for k in self.__dict__)
        if not keys:
            return f"<{type(self).__name__}>"
        return f"<{type(self).__name__}: {', '.join(keys)}>"


def merge_dicts(d1: D, d2: Mapping[Any, Any]) -> D:
    """A copy of `d1` with `d2` merged in, recursing where both sides hold mappings."""
    merged = d1.copy()  # type: ignore[attr-defined]
    for key, value in d2.items():
        current = merged.get(key)
        if isinstance(current, MutableMapping) and isinstance(value, Mapping):
            merged[key] = merge_dicts(current, value)
        else:
            merged[key] = value
    return merged  # type: ignore[no-any-return]


def as_nested_dict(obj: Any, dct_class: type = DotDict) -> Any:
    """Convert every mapping inside `obj` (through lists, tuples, sets) to `dct_class`."""
    if isinstance(obj, (list, tuple, set)):
        return type(obj)(as_nested_dict(item, dct_class) for item in obj)
    if isinstance(obj, DotDict):
        obj = obj.__dict__
    if isinstance(obj, Mapping):
        return dct_class({k: as_nested_dict(v, dct_class) for k, v in obj.items()})
    return obj


def flatten_seq(seq: Iterable[Any]) -> Iterator[Any]:
    """Yield the leaves of arbitrarily nested iterables; strings and bytes are leaves."""
    for item in seq:
        if isinstance(item, Iterable) and not isinstance(item, (str, bytes, bytearray)):
            yield from flatten_seq(item)
        else:
            yield item


class CompoundKey(tuple):  # type: ignore[type-arg]
    """A key path in a flattened dict, e.g. `CompoundKey(("a", "b"))` for `d["a"]["b"]`.

    A tuple subclass, so `flatdict_to_dict` can tell key paths from ordinary tuple keys.
    """


def dict_to_flatdict(dct: Mapping[Any, Any], parent: CompoundKey | None = None) -> dict[Any, Any]:
    """`{"a": {"b": 1}}` -> `{CompoundKey(("a", "b")): 1}`.

    Only values that are dicts (Config and Box included) are descended into; an empty
    nested dict leaves no key behind.
    """
    prefix = parent if parent is not None else CompoundKey()
    flat: dict[Any, Any] = {}
    for key, value in dct.items():
        path = CompoundKey((*prefix, key))
        if isinstance(value, dict):
            flat.update(dict_to_flatdict(value, path))
        else:
            flat[path] = value
    return flat


def flatdict_to_dict(dct: Mapping[Any, Any], dct_class: type[D] | None = None) -> D:
    """The inverse of `dict_to_flatdict`; other keys (plain tuples too) are kept as they are.

    Every level is built with `dct_class` (default `dict`).
    """
    make: Any = dict if dct_class is None else dct_class
    result = make()
    for key, value in dct.items():
        if not isinstance(key, CompoundKey):
            result[key] = value
            continue
        node = result
        for part in key[:-1]:
            if part not in node:
                node[part] = make()
            node = node[part]
        node[key[-1]] = value
    return result  # type: ignore[no-any-return]
