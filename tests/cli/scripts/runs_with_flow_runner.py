"""Runs its flow with a FlowRunner built by hand (the pattern of Prefect's docs), once."""

import prefect
from prefect import Flow, task
from prefect.engine.flow_runner import FlowRunner


@task
def hello(n: int):
    with open(prefect.context.parameters["marks"], "a") as fh:
        fh.write("ran\n")
    return n + 1


with Flow("by-hand") as flow:
    n = prefect.Parameter("n", default=1)
    marks = prefect.Parameter("marks")
    hello(n)

if __name__ == "__main__":
    import sys

    state = FlowRunner(flow=flow).run(return_tasks=flow.tasks, parameters={"marks": sys.argv[1]})
    print("script saw", type(state).__name__)
