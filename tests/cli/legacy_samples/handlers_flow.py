"""A Prefect 0.10-era flow: result handlers everywhere and the 0.13 executor path.

Run with `import prefect` resolved to prefect-compat (`prefect_compat.install_alias()`)
and `sys.argv[1]` = a results directory: runs the flow with checkpointing on and prints,
per task, the Result type, value and location (local paths made relative), as JSON.
`prefect-compat migrate` must not change that output.
"""

import json
import os
import sys

import prefect
from prefect import Flow, Parameter, task
from prefect.engine.executors import LocalExecutor
from prefect.engine.result_handlers import (
    JSONResultHandler,
    LocalResultHandler,
    ResultHandler,
)

RESULTS_DIR = sys.argv[1]


class ListHandler(ResultHandler):
    """Keeps values in a list; the location is the slot number."""

    def __init__(self):
        self.values = []

    def write(self, result):
        self.values.append(result)
        return f"slot-{len(self.values) - 1}"

    def read(self, location):
        return self.values[int(location.split("-")[1])]


memory = ListHandler()
local_handler = LocalResultHandler(dir=os.path.join(RESULTS_DIR, "squares"))


@task(result_handler=local_handler)
def square(x):
    return x * x


@task(result_handler=JSONResultHandler())  # small values: keep them in the location
def total(values):
    return sum(values)


@task(result_handler=memory)
def describe(n, scale):
    return f"total={n} scale={scale}"


@task
def scaled(n, scale):
    return n * scale


with Flow("legacy", result_handler=LocalResultHandler(dir=RESULTS_DIR)) as flow:
    scale = Parameter("scale", default=2)
    squares = square.map([1, 2, 3])
    summed = total(squares)
    describe(summed, scale)
    scaled(summed, scale)


def where(location):
    if isinstance(location, str) and os.path.isabs(location):
        return os.path.relpath(os.path.dirname(location), RESULTS_DIR)
    return location


if __name__ == "__main__":
    with prefect.context(checkpointing=True):
        state = flow.run(parameters={"scale": 3}, executor=LocalExecutor())
    report = {}
    for task_, task_state in sorted(state.result.items(), key=lambda item: item[0].name):
        children = getattr(task_state, "map_states", None) or [task_state]
        report[task_.name] = [
            [type(child._result).__name__, child.result, where(child._result.location)]
            for child in children
        ]
    print(json.dumps({"state": type(state).__name__, "tasks": report}, sort_keys=True))
