"""Forty mapped task runs with a little work each, one of which fails (for the progress display)."""

import time

from prefect import Flow, task


@task
def items():
    return list(range(40))


@task
def work(x):
    time.sleep(0.02)
    if x == 7:
        raise ValueError(f"bad item {x}")
    return x


with Flow("many") as flow:
    work.map(items())
