"""Flow queries as Prefect 1.4.1 answers them (observed with probes)."""

from __future__ import annotations

import pytest

from prefect_compat import Flow, Task


def chain_flow():
    a, b, c = Task("a"), Task("b"), Task("c")
    flow = Flow("f")
    flow.chain(a, b, c)
    return flow, a, b, c


def test_sorted_tasks_with_empty_root_tasks_is_every_task():
    flow, a, b, c = chain_flow()
    assert flow.sorted_tasks(root_tasks=[]) == (a, b, c)
    assert flow.sorted_tasks(root_tasks=()) == flow.sorted_tasks()


def test_sorted_tasks_from_a_root_in_the_middle():
    flow, a, b, c = chain_flow()
    assert flow.sorted_tasks(root_tasks=[b]) == (b, c)


def test_sorted_tasks_refuses_a_root_task_outside_the_flow():
    flow, *_ = chain_flow()
    with pytest.raises(ValueError, match=r'Task <Task: z> was not found in Flow <Flow: name="f">'):
        flow.sorted_tasks(root_tasks=[Task("z")])
