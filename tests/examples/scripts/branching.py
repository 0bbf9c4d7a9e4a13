"""switch picks one branch; case + merge inside apply_map picks per item."""

from prefect import Flow, apply_map, case, task
from prefect.tasks.control_flow import merge, switch


@task
def choose():
    return "second"


@task
def first():
    return "first branch"


@task
def second():
    return "second branch"


@task
def double(x):
    return 2 * x


@task
def items(n):
    return list(range(n))


@task
def is_odd(x):
    return x % 2 == 1


def double_odd(x):
    with case(is_odd(x), True):
        doubled = double(x)
    return merge(doubled, x)


with Flow("branches") as flow:
    switch(choose, dict(first=first, second=second))
    picked = apply_map(double_odd, items(5))

state = flow.run()
for t in (first, second):
    print(t.name, type(state.result[t]).__name__)
print("per item:", state.result[picked].result)
