"""Run ids seen through `get_run_context()`, as in Prefect 2.6.9."""

from __future__ import annotations

from prefect_compat.context import get_run_context

from prefect_compat import flow, task


def test_a_task_runs_id_is_stable_and_is_its_states_task_run_id():
    @task
    def ids():
        run = get_run_context().task_run
        return run.id, get_run_context().task_run.id

    @flow
    def caller():
        state = ids(return_state=True)
        first, second = state.result()
        return first == second, state.state_details.task_run_id == first

    assert caller() == (True, True)


def test_a_flow_run_has_a_flow_id_shared_by_runs_of_that_flow():
    @flow
    def named():
        return get_run_context().flow_run

    one, two = named(), named()
    assert one.id != two.id
    assert one.flow_id == two.flow_id
