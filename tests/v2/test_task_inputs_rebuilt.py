"""A 2.x task gets rebuilt containers as its inputs, as Prefect 2.6.9 passes them.

Probed on 2.6.9: lists, tuples, sets, dicts and OrderedDicts (those exact types),
dataclass instances and pydantic models are rebuilt recursively before the task runs,
so a task that mutates its input leaves the caller's object alone; subclasses of those
types (namedtuple, defaultdict) and any other object arrive as they are; flow
parameters are not rebuilt; inside the flow, a task's return value is not copied.
"""

from __future__ import annotations

import collections
import dataclasses

import pydantic

from prefect_compat import flow, task


@dataclasses.dataclass
class Basket:
    items: list
    label: str = "b"


class Model(pydantic.BaseModel):
    items: list = []


class Opaque:
    def __init__(self) -> None:
        self.items: list = []


Pair = collections.namedtuple("Pair", "a b")


@task
def touch(x):
    if isinstance(x, dict):
        x["touched"] = True
    elif isinstance(x, (list, set)):
        getattr(x, "append", getattr(x, "add", None))("touched")
    elif isinstance(x, tuple):
        x[1].append("touched")
    else:
        x.items.append("touched")
    return x


def test_containers_reach_the_task_as_copies_and_the_callers_stay_unchanged():
    @flow
    def caller():
        values = {
            "list": [1, [2]],
            "tuple": (1, [2]),
            "set": {1},
            "dict": {"a": [1]},
            "ordered": collections.OrderedDict(a=1),
            "dataclass": Basket([1]),
            "model": Model(items=[1]),
            "nested": [{"a": [1]}],
        }
        before = repr(values)
        returned = {name: touch(value) for name, value in values.items()}
        return before, repr(values), returned

    before, after, returned = caller()
    assert after == before
    assert returned["list"] == [1, [2], "touched"]
    assert returned["dataclass"] == Basket([1, "touched"])
    assert returned["model"].items == [1, "touched"]
    assert type(returned["ordered"]) is collections.OrderedDict


def test_other_objects_and_subclasses_of_containers_are_passed_as_they_are():
    @flow
    def caller():
        opaque, pair = Opaque(), Pair(1, [2])
        counts = collections.defaultdict(list)
        touch(opaque)
        touch(pair)
        touch(counts)
        return opaque.items, pair.b, dict(counts)

    assert caller() == (["touched"], [2, "touched"], {"touched": True})


def test_a_submitted_call_and_each_mapped_call_get_their_own_copies():
    @task
    def grow(xs, item):
        xs.append(item)
        return len(xs)

    @flow
    def caller():
        shared = [0]
        submitted = grow.submit(shared, 1).result()
        mapped = [f.result() for f in grow.map([shared, shared], [2, 3])]
        return shared, submitted, mapped

    assert caller() == ([0], 2, [2, 2])


def test_futures_inside_a_dataclass_are_resolved():
    @task
    def three():
        return 3

    @task
    def read(basket):
        return basket.items

    @flow
    def caller():
        return read(Basket([three.submit(), 4]))

    assert caller() == [3, 4]


def test_flow_parameters_and_returned_values_are_not_copied():
    keep = [1]

    @task
    def give():
        return keep

    @flow
    def caller(xs: list):
        xs.append("flow")
        return give() is keep

    given = []
    assert caller(given) is True
    assert given == ["flow"]
