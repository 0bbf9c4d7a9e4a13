"""A checkpointed mapped flow whose items log when they start and end (kill -9 tests).

Environment: ITEM_LOG (file the items append `start i` / `done i` lines to),
RESULT_DIR (checkpoints), ITEMS (how many), optional first argument: the run to resume
("last" or an id). Prints one JSON line: final state, total, and every item's result.
"""

import json
import os
import sys
import time

import prefect_compat as prefect
from prefect_compat import Flow, task
from prefect_compat.engine.results import LocalResult

LOG = os.environ["ITEM_LOG"]
DIR = os.environ["RESULT_DIR"]
N = int(os.environ.get("ITEMS", "300"))


def log(line):
    with open(LOG, "a") as fh:  # one short O_APPEND write per line
        fh.write(line + "\n")


@task(result=LocalResult(dir=DIR, location="items.pkl"))
def items():
    return list(range(N))


@task(result=LocalResult(dir=DIR, location="{flow_run_id}/work-{map_index}.pkl"))
def work(i):
    log(f"start {i}")
    time.sleep(0.005)
    log(f"done {i}")
    return i * i + 1


@task(result=LocalResult(dir=DIR, location="{flow_run_id}/total.pkl"))
def total(values):
    return sum(values)


with Flow("killable") as flow:
    mapped = work.map(items())
    result = total(mapped)

if __name__ == "__main__":
    resume = sys.argv[1] if len(sys.argv) > 1 else None
    with prefect.context(checkpointing=True):
        state = flow.run(resume=resume) if resume else flow.run()
    print(
        json.dumps(
            {
                "state": type(state).__name__,
                "total": state.result[result].result,
                "items": state.result[mapped].result,
            }
        )
    )
