"""A mapped flow for the run journal's CLI tests.

MARKS: file each task run appends its name to. FAIL=i: square of item i raises.
EXTRA=1: one more task after `total` (a changed graph). SLOW=seconds: each square sleeps.
"""

import os
import time

from prefect import Flow, Parameter, task


def mark(name):
    with open(os.environ["MARKS"], "a") as fh:
        fh.write(name + "\n")


@task
def numbers(n):
    mark("numbers")
    return list(range(n))


@task
def square(x):
    mark(f"square-{x}")
    time.sleep(float(os.environ.get("SLOW", "0")))
    if os.environ.get("FAIL") == str(x):
        raise ValueError(f"item {x} fails on purpose")
    return x * x


@task
def total(values):
    mark("total")
    return sum(values)


@task
def report(value):
    mark("report")
    print(f"total is {value}")


with Flow("journaled") as flow:
    n = Parameter("n", default=4)
    result = total(square.map(numbers(n)))
    if os.environ.get("EXTRA"):
        report(result)
