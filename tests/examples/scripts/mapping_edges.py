"""mapped(), unmapped() (also in upstream_tasks) and flatten() on class-based tasks."""

from prefect import Flow, Task, flatten, mapped, unmapped


class Plus(Task):
    def run(self, x, y):
        return x + y


class Numbers(Task):
    def run(self):
        return [10, 20, 30]


class Nested(Task):
    def run(self):
        return [[1], [2, 3], []]


class Marker(Task):
    def run(self):
        return "marker"


with Flow("edges") as flow:
    numbers = Numbers()
    by_marker = Plus()(x=mapped(numbers), y=1)
    by_map = Plus().map(x=numbers, y=unmapped(2), upstream_tasks=[unmapped(Marker())])
    flat = Plus().map(x=flatten(Nested()), y=unmapped(100))

state = flow.run()
print("mapped:", state.result[by_marker].result)
print("unmapped:", state.result[by_map].result)
print("flatten:", state.result[flat].result)
