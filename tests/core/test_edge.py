"""Edge: fields, value equality, key validation, repr."""

from __future__ import annotations

import pickle

import pytest

from prefect_compat import Task
from prefect_compat.core import Edge


def test_fields_equality_and_hash():
    a, b = Task(name="a"), Task(name="b")
    edge = Edge(a, b, key="x", mapped=True)
    assert (edge.upstream_task, edge.downstream_task, edge.key) == (a, b, "x")
    assert (edge.mapped, edge.flattened) == (True, False)
    assert edge.tasks == {a, b}
    same = Edge(a, b, key="x", mapped=True)
    assert edge == same and hash(edge) == hash(same)
    assert edge != Edge(a, b, key="x")
    assert edge != Edge(a, Task(name="b"), key="x", mapped=True)
    assert edge != 3
    assert len({edge, same, Edge(a, b)}) == 2


def test_repr():
    a, b = Task(name="a"), Task(name="b")
    assert repr(Edge(a, b, key="x", mapped=True)) == (
        "<Edge(key=x, mapped=True, flattened=False): a to b>"
    )
    assert repr(Edge(a, b, flattened=True)) == (
        "<Edge(key=None, mapped=False, flattened=True): a to b>"
    )


@pytest.mark.parametrize("key", ["1x", "x y", "class", 3])
def test_keys_must_be_identifiers(key):
    with pytest.raises(ValueError, match=f'Key must be a valid identifier \\(received "{key}"\\)'):
        Edge(Task(), Task(), key=key)


def test_pickle_round_trip():
    a, b = Task(name="a"), Task(name="b")
    back = pickle.loads(pickle.dumps(Edge(a, b, key="x", flattened=True)))
    assert (back.upstream_task.name, back.downstream_task.name) == ("a", "b")
    assert (back.key, back.mapped, back.flattened) == ("x", False, True)
