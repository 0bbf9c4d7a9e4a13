"""A Prefect 1.x script whose flow fails: one mapped child raises, a downstream task cannot run."""

from prefect import Flow, task


@task
def inputs():
    return [1, 2, 3, 4]


@task
def check(x):
    if x == 3:
        raise ValueError(f"bad input {x}")
    return x


@task
def report(values):
    return sum(values)


with Flow("fails") as flow:
    report(check.map(inputs()))
