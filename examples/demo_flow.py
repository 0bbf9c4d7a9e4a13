"""Demo: a mapped flow that checkpoints every task result to local disk.

Run it with `python examples/demo_flow.py`. Checkpointing is switched on for this
run with `set_temporary_config` (a config file or PREFECT__FLOWS__CHECKPOINTING=true
work too); results go to the default directory, `~/.prefect/results`, under a
location templated from the run's context.
"""

from __future__ import annotations

import prefect_compat as prefect
from prefect_compat import Flow, Parameter, task
from prefect_compat.engine.results import LocalResult
from prefect_compat.utilities.configuration import set_temporary_config

RESULT = LocalResult(location="demo/{flow_run_id}/{task_full_name}.pkl")


@task
def numbers(n):
    return list(range(1, n + 1))


@task
def square(x):
    return x * x


@task
def total(values):
    return sum(values)


def build() -> Flow:
    with Flow("demo-squares", result=RESULT) as flow:
        n = Parameter("n", default=5)
        total(square.map(numbers(n)))
    return flow


def main() -> None:
    flow = build()
    with set_temporary_config({"flows.checkpointing": True}):
        state = flow.run(n=5)
    print(f"flow finished: {state!r}")
    for task_obj, task_state in sorted(state.result.items(), key=lambda kv: kv[0].name):
        children = getattr(task_state, "map_states", None) or [task_state]
        for child in children:
            location = child._result.location
            print(f"  {task_obj.name:<8} -> {child.result!r:<18} stored at {location}")
    prefect.get_logger().info("demo done")


if __name__ == "__main__":
    main()
