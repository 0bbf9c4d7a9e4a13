"""A retried task that succeeds on its second try, and defaults_from_attrs."""

import datetime

import prefect
from prefect import Flow, Task, task
from prefect.utilities.tasks import defaults_from_attrs


@task(name="retried", max_retries=2, retry_delay=datetime.timedelta(seconds=0))
def retried(label):
    run_count = prefect.context.get("task_run_count")
    print(f"{label}: attempt {run_count}")
    if run_count < 2:
        raise RuntimeError("first attempt fails")
    return run_count


class Pair(Task):
    def __init__(self, left=None, right=None, **kwargs):
        self.left = left
        self.right = right
        super().__init__(**kwargs)

    @defaults_from_attrs("left", "right")
    def run(self, left=None, right=None):
        return (left, right)


pair = Pair(left="L", right="R")
print("defaults:", pair.run(), pair.run(left="x"), pair.run(left=None, right=None))

with Flow("retries") as flow:
    attempts = retried("job")
state = flow.run()
print("attempts:", state.result[attempts].result)
