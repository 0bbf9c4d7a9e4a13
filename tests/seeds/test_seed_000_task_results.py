"""Seed 000 ("Accessing task results locally"): both examples, verbatim apart from
the import root (`prefect` -> `prefect_compat`)."""

from __future__ import annotations


def test_functional_api_example():
    from prefect_compat import Flow, task

    @task
    def get_value():
        return 10

    @task
    def add_value(v):
        return v + 10

    @task
    def print_value(v):
        print(v)

    with Flow("task-results") as flow:
        v = get_value()
        v_added = add_value(v)
        p = print_value(v_added)

    state = flow.run()

    assert state.result[v].result == 10
    assert state.result[v_added].result == 20
    assert state.result[p].result == None  # noqa: E711 - verbatim from the seed


def test_imperative_api_example():
    from prefect_compat import Flow, Task

    class GetValue(Task):
        def run(self):
            return 10

    class AddValue(Task):
        def run(self, v):
            return v + 10

    class PrintValue(Task):
        def run(self, v):
            print(v)

    flow = Flow("task-results")

    get_value = GetValue()
    add_value = AddValue()
    print_value = PrintValue()

    get_value.set_downstream(add_value, key="v", flow=flow)
    add_value.set_downstream(print_value, key="v", flow=flow)

    state = flow.run()

    assert state.result[get_value].result == 10
    assert state.result[add_value].result == 20
    assert state.result[print_value].result == None  # noqa: E711 - verbatim from the seed
