"""A Prefect 1.x script that defines a flow and leaves running it to the caller."""

from prefect import Flow, Parameter, task


@task
def numbers(n):
    return list(range(n))


@task
def square(x):
    return x * x


@task
def total(values):
    return sum(values)


with Flow("squares") as flow:
    n = Parameter("n", default=3)
    total(square.map(numbers(n)))
