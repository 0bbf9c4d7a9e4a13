"""prefect.context blocks, and running a flow with FlowRunner directly."""

import prefect
from prefect import Flow, task
from prefect.engine.flow_runner import FlowRunner
from prefect.engine.state import Retrying, TriggerFailed

with prefect.context(dict(colour="blue", size=3)):
    print("inside:", prefect.context.colour, prefect.context["size"])
print("outside:", prefect.context.get("colour"))
print("TriggerFailed is failed:", TriggerFailed().is_failed())
print("Retrying is pending:", Retrying().is_pending())


@task
def speak():
    print("spoken by", prefect.context.task_name)


with Flow("runner") as flow:
    speak()

final = FlowRunner(flow=flow).run()
print("runner:", final.is_successful())
