"""`Flow.set_dependencies` as Prefect 1.4.1 and 0.13.19 apply it (observed with probes)."""

from __future__ import annotations

import pytest

from prefect_compat import Flow, Task


class Takes(Task):
    def run(self, x=None, y=None):
        return x


def edge_flags(flow):
    return sorted(
        (e.upstream_task.name, e.downstream_task.name, e.key or "", e.mapped) for e in flow.edges
    )


def test_mapped_applies_to_inputs_not_to_downstream_tasks():
    a, b, c = Takes(name="a"), Takes(name="b"), Takes(name="c")
    flow = Flow("f")
    flow.set_dependencies(
        b, upstream_tasks=[a], downstream_tasks=[c], keyword_tasks={"x": a}, mapped=True
    )
    assert edge_flags(flow) == [
        ("a", "b", "", True),
        ("a", "b", "x", True),
        ("b", "c", "", False),
    ]


def test_constant_keyword_with_an_invalid_key_is_refused():
    b = Takes(name="b")
    flow = Flow("f")
    with pytest.raises(
        ValueError, match=r'Key must be a valid identifier \(received "not valid"\)'
    ):
        flow.set_dependencies(b, keyword_tasks={"not valid": 1})
    assert flow.tasks == {b}
    assert not flow.constants.get(b)


def test_constant_keyword_is_not_checked_against_run_even_when_validating():
    b = Takes(name="b")
    flow = Flow("f")
    flow.set_dependencies(b, keyword_tasks={"zz": 1}, validate=True)
    assert flow.constants[b] == {"zz": 1}
