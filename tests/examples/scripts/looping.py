"""A task that loops with LOOP until a threshold, reading its last result from context."""

import prefect
from prefect import Flow, task
from prefect.engine.signals import LOOP


@task
def grow(start):
    value = prefect.context.get("task_loop_result", start)
    if value < 50:
        raise LOOP(message=f"at {value}", result=value * 3)
    return value


with Flow("grower") as flow:
    final = grow(2)

state = flow.run()
print("final value:", state.result[final].result)
