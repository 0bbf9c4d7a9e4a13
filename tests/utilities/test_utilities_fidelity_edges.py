"""Nested edge annotations, checked against Prefect 1.4.1 with differential probes."""

from __future__ import annotations

from prefect_compat import Flow, task
from prefect_compat.utilities.edges import flatten, mapped, unmapped


def test_the_inner_annotation_wins_when_both_set_a_flag():
    assert mapped(unmapped(1)).annotations == {"mapped": False}
    assert unmapped(mapped(flatten(1))).annotations == {"mapped": True, "flattened": True}
    both = unmapped(flatten(1))
    assert list(both.annotations.items()) == [("mapped", False), ("flattened", True)]
    assert list(flatten(unmapped(1)).annotations) == ["flattened", "mapped"]


def test_nested_annotations_decide_how_a_mapped_task_gets_its_argument():
    @task
    def pair(x, y):
        return (x, y)

    with Flow("nested-annotations") as flow:
        whole = pair.map(x=[1, 2], y=mapped(unmapped([5, 6])))
        each = pair.map(x=[1, 2], y=unmapped(mapped([5, 6])))
    state = flow.run()
    assert state.result[whole].result == [(1, [5, 6]), (2, [5, 6])]
    assert state.result[each].result == [(1, 5), (2, 6)]
