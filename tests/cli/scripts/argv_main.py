"""Reports how it was executed: argv, __name__, __file__; runs a trivial flow."""

import json
import sys

from prefect import Flow, task


@task
def one():
    return 1


with Flow("argv") as flow:
    one()

if __name__ == "__main__":
    print("ARGV " + json.dumps({"argv": sys.argv, "file": __file__}))
    flow.run()
