"""utilities.collections: OrderedSet (flow.tasks / flow.edges), DotDict and dict helpers."""

from __future__ import annotations

import pickle

import pytest

from prefect_compat.utilities.collections import (
    DotDict,
    OrderedSet,
    as_nested_dict,
    flatten_seq,
    merge_dicts,
)


def test_ordered_set_keeps_insertion_order_and_set_semantics():
    s = OrderedSet([3, 1, 2, 1])
    assert list(s) == [3, 1, 2]
    s.add(0)
    s.add(3)
    s.discard(1)
    s.discard(42)
    assert list(s) == [3, 2, 0]
    assert s == {0, 2, 3} and {0, 2, 3} == s
    assert s != {0, 2}
    assert 2 in s and 1 not in s and len(s) == 3
    assert list(s | {9}) == [3, 2, 0, 9]
    assert isinstance(s | {9}, OrderedSet)
    assert list(s - {2}) == [3, 0]
    assert list(s & {0, 3}) == [3, 0]
    assert list(s.union([5], [6])) == [3, 2, 0, 5, 6]
    assert list(s.intersection([0, 2])) == [2, 0]
    assert list(s.difference([3])) == [2, 0]
    assert s.issubset([0, 2, 3, 4]) and not s.issubset([0])
    assert s.issuperset([0, 2])
    assert repr(OrderedSet()) == "set()" and repr(OrderedSet([1, 2])) == "{1, 2}"
    with pytest.raises(TypeError):
        hash(s)


def test_ordered_set_has_the_named_set_methods_in_order():
    items = OrderedSet([1, 2, 3])
    assert list(items.symmetric_difference([4, 3])) == [1, 2, 4]
    items.difference_update([1], {9})
    assert list(items) == [2, 3]
    items.intersection_update([3, 2, 7])
    assert list(items) == [2, 3]
    items.symmetric_difference_update([3, 5])
    assert list(items) == [2, 5]


def test_ordered_set_counts_changes_and_copies():
    s = OrderedSet([1])
    before = s._changes
    s.add(1)
    s.discard(2)
    assert s._changes == before
    s.add(2)
    s.discard(1)
    s.clear()
    assert s._changes == before + 3
    t = OrderedSet([1, 2])
    u = t.copy()
    u.add(3)
    assert list(t) == [1, 2]
    back = pickle.loads(pickle.dumps(t))
    assert list(back) == [1, 2]


def test_dotdict():
    d = DotDict({"a": 1}, b={"c": 2})
    assert d.a == 1 and d["b"] == {"c": 2}
    assert type(d.b) is dict
    d.z = 3
    assert d["z"] == 3 and "z" in d and len(d) == 3
    assert repr(d) == "<DotDict: 'a', 'b', 'z'>"
    assert d == {"a": 1, "b": {"c": 2}, "z": 3}
    assert d.get("missing", 5) == 5
    copy = d.copy()
    assert type(copy) is DotDict and copy == d and copy is not d
    with pytest.raises(AttributeError):
        d.missing  # noqa: B018
    del d["z"]
    assert list(d) == ["a", "b"]


def test_dotdict_to_dict_converts_nested_dotdicts():
    d = DotDict(a=DotDict(b=1), c=[DotDict(d=2)])
    plain = d.to_dict()
    assert plain == {"a": {"b": 1}, "c": [{"d": 2}]}
    assert type(plain["a"]) is dict and type(plain["c"][0]) is dict


def test_merge_dicts_is_deep_and_keeps_the_first_type():
    left = {"a": {"b": 1, "c": 2}, "d": 1}
    merged = merge_dicts(left, {"a": {"b": 3}, "e": 5})
    assert merged == {"a": {"b": 3, "c": 2}, "d": 1, "e": 5}
    assert left == {"a": {"b": 1, "c": 2}, "d": 1}
    assert type(merge_dicts(DotDict(a=1), {"b": 2})) is DotDict


def test_as_nested_dict():
    nested = as_nested_dict({"a": {"b": [{"c": 1}]}})
    assert type(nested) is DotDict and type(nested.a) is DotDict
    assert type(nested.a.b[0]) is DotDict and nested.a.b[0].c == 1
    back = as_nested_dict(nested, dict)
    assert back == {"a": {"b": [{"c": 1}]}} and type(back["a"]) is dict


def test_flatten_seq():
    assert list(flatten_seq([1, [2, [3, 4]], (5,), "ab", {6}, b"x"])) == [
        1,
        2,
        3,
        4,
        5,
        "ab",
        6,
        b"x",
    ]
