"""A resource manager whose setup and cleanup bracket the tasks that use it."""

from prefect import Flow, resource_manager, task


@resource_manager
class Workspace:
    def __init__(self, label):
        self.label = label

    def setup(self):
        print("setup", self.label)
        return {"label": self.label, "items": []}

    def cleanup(self, resource):
        print("cleanup", resource["label"], "with", len(resource["items"]), "items")


@task
def use(resource, item):
    resource["items"].append(item)
    return item * 2


with Flow("resources") as flow:
    with Workspace("scratch") as space:
        doubled = use(space, 21)

state = flow.run()
print("used:", state.result[doubled].result, type(state).__name__)
