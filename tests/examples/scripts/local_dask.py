"""Mapping on LocalDaskExecutor threads; results come back in map order."""

from prefect import Flow, task
from prefect.executors import LocalDaskExecutor


@task
def numbers(n):
    return list(range(n))


@task
def square(x):
    return x * x


@task
def total(values):
    return sum(values)


with Flow("dask threads") as flow:
    squares = square.map(numbers(6))
    summed = total(squares)

state = flow.run(executor=LocalDaskExecutor(scheduler="threads", num_workers=2))
print("squares:", state.result[squares].result)
print("total:", state.result[summed].result)
