"""Three ways to make tasks (subclass, decorator, FunctionTask) and two ways to build a flow."""

from prefect import Flow, Task, task
from prefect.tasks.core.function import FunctionTask


class Greeting(Task):
    def run(self):
        return "hi there"


@task
def shout(text):
    return text.upper()


halve = FunctionTask(lambda n: n / 2, name="Halve")

greeting = Greeting()
listed = Flow(name="listed", tasks=[greeting])
state = listed.run()
print("listed:", state.result[greeting].result)

with Flow("built") as built:
    loud = shout(Greeting())
    half = halve(84)
state = built.run()
print("built:", state.result[loud].result, state.result[half].result)
