"""A legacy script that configures Prefect through os.environ before importing it."""

import os
import sys

os.environ["PREFECT__FLOWS__CHECKPOINTING"] = "true"
os.environ["PREFECT__LOGGING__LEVEL"] = "WARNING"
os.environ["PREFECT__CONTEXT__SECRETS__TOKEN"] = "abc"
os.environ["PREFECT__HOME_DIR"] = sys.argv[1] if len(sys.argv) > 1 else os.environ["SCRIPT_HOME"]

import prefect  # noqa: E402
from prefect import Flow, task  # noqa: E402


@task
def seen():
    return (prefect.context.get("checkpointing"), prefect.context.secrets["TOKEN"])


with Flow("configured") as flow:
    out = seen()

state = flow.run()
print("config:", prefect.config.flows.checkpointing, prefect.config.home_dir)
print("task saw:", state.result[out].result)
