"""Triggers on a failing upstream, with a reference task deciding the flow's state."""

from prefect import Flow, task
from prefect.triggers import all_failed, all_successful


@task(name="Flaky")
def flaky():
    raise ValueError("it broke")


@task(name="On success", trigger=all_successful)
def on_success():
    return "continued"


@task(name="On failure", trigger=all_failed)
def on_failure():
    return "cleaned up"


with Flow("triggers") as flow:
    ok = on_success(upstream_tasks=[flaky])
    recovery = on_failure(upstream_tasks=[flaky])
flow.set_reference_tasks([recovery])

state = flow.run()
print("flow:", type(state).__name__)
for t in (ok, recovery):
    print(t.name, "->", type(state.result[t]).__name__)
