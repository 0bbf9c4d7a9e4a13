"""callback_factory on a task and on its flow, and a state handler using task.logger."""

from prefect import Flow, Task, task
from prefect.utilities.notifications import callback_factory


def report(tracked, state):
    print(f"{tracked.name}: {state!r}")


on_success = callback_factory(report, lambda state: state.is_successful())


def log_transition(tracked, old, new):
    tracked.logger.info("moving from %s to %s", type(old).__name__, type(new).__name__)
    return new


@task(state_handlers=[log_transition])
def watched():
    return 1


plain = Task(name="plain", state_handlers=[on_success])
flow = Flow("callbacks", tasks=[plain], state_handlers=[on_success])
flow.add_task(watched)
flow.run()
