"""A Prefect 1.x script that runs its own flow, checkpointing to the default directory."""

import prefect
from prefect import Flow, Parameter, task
from prefect.engine.results import LocalResult
from prefect.engine.state import Success
from prefect.utilities.configuration import set_temporary_config

SEEN = []


def record_successes(task_obj, old_state, new_state):
    if isinstance(new_state, Success):
        SEEN.append(task_obj.name)


@task(state_handlers=[record_successes])
def numbers(n):
    return list(range(1, n + 1))


@task(state_handlers=[record_successes])
def double(x):
    return 2 * x


@task
def total(values):
    return sum(values)


with Flow("runs-itself", result=LocalResult(location="runs-itself/{task_full_name}.pkl")) as flow:
    n = Parameter("n", default=2)
    total(double.map(numbers(n)))

if __name__ == "__main__":
    with set_temporary_config({"flows.checkpointing": True}):
        state = flow.run()
    print("total:", state.result[flow.get_tasks(name="total")[0]].result)
    print("state class:", type(state).__module__, type(state).__name__)
    print("prefect is:", prefect.__name__)
    print("handler saw:", len(SEEN), "successes")
