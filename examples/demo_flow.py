"""Demo: a Prefect Core 1.x script, unchanged, with mapping and checkpointing to local disk.

It is written against `prefect`, as scripts of that era were. Run it on prefect-compat
with

    prefect-compat run examples/demo_flow.py            # or: python -m prefect_compat run ...
    prefect-compat run examples/demo_flow.py --param n=20

`run` makes `import prefect` resolve to prefect-compat, runs this file as `__main__`,
shows progress, and ends with a summary that lists where the checkpoints went; then
`prefect-compat results ls` lists them and `prefect-compat results show LOCATION` prints
one. Checkpointing is switched on for this run with `set_temporary_config`; results go
to the default directory, `~/.prefect/results` (`<home_dir>/results`; the environment
variable PREFECT__HOME_DIR moves it), under `demo/<flow run id>/`, which the script
prints before the flow runs.
"""

from __future__ import annotations

import time

import prefect
from prefect import Flow, Parameter, task
from prefect.engine.results import LocalResult
from prefect.utilities.configuration import set_temporary_config

RESULT = LocalResult(location="demo/{flow_run_id}/{task_full_name}.pkl")


@task
def numbers(n):
    return list(range(1, n + 1))


@task
def square(x):
    time.sleep(0.05)  # stands in for real work, so the progress display has time to show
    return x * x


@task
def total(values):
    return sum(values)


def build() -> Flow:
    with Flow("demo-squares", result=RESULT) as flow:
        n = Parameter("n", default=10)
        total(square.map(numbers(n)))
    return flow


def main() -> None:
    flow = build()
    # say where the files go before writing any (RESULT.dir is <home_dir>/results)
    where = f"{RESULT.dir}/demo/<flow run id>/"
    print(f"demo: checkpoints go to {where} (PREFECT__HOME_DIR moves them)", flush=True)
    with set_temporary_config({"flows.checkpointing": True}):
        state = flow.run()
    by_name = {task_obj.name: task_state for task_obj, task_state in state.result.items()}
    print(f"flow finished: {state!r}; total = {by_name['total'].result}")
    print(f"total stored at {by_name['total']._result.location}")
    prefect.context.get("logger").info("demo done")


if __name__ == "__main__":
    main()
