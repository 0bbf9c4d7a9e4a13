"""A Prefect 0.13-era module in `import prefect` style (only diffed, never run).

It exercises what `prefect-compat migrate` rewrites: handler classes with their
arguments, `result_handler=`, moved import paths, aliases and fully spelled-out
names; and what it leaves under a TODO: custom handlers, secrets the Results do not
read, a handler it cannot identify.
"""

import prefect
import prefect.engine.executors
from prefect import Flow, Task, task
from prefect.core.task import Parameter
from prefect.engine import result_handlers
from prefect.engine.result_handlers import (
    ConstantResultHandler,  # for fixed inputs
    LocalResultHandler,
    S3ResultHandler,
)
from prefect.engine.result_handlers import GCSResultHandler as GCS
from prefect.engine.results import LocalResult
from prefect.utilities.exceptions import PrefectError


class AuditedLocal(LocalResultHandler):
    """Logs every write (0.13 converts it to a plain LocalResult anyway)."""

    def write(self, result):
        print("writing", result)
        return super().write(result)


s3 = S3ResultHandler(
    "my-bucket",
    "PROD_AWS",  # secret holding ACCESS_KEY / SECRET_ACCESS_KEY
    {"region_name": "eu-west-1"},
)
gcs = GCS(bucket="my-gcs-bucket", credentials_secret="GCP_CREDENTIALS")
local = LocalResultHandler("/srv/results", validate=False)
already_new = LocalResult(dir="/srv/new")


@task(result_handler=s3, max_retries=0)
def extract():
    return [1, 2, 3]


@task(result_handler=result_handlers.JSONResultHandler())
def count(rows):
    return len(rows)


def build(handler):
    """Tasks built by a factory: the codemod cannot see what `handler` is."""
    return Task(name="factory", result_handler=handler)


with Flow(
    "etl",
    result_handler=local,
    executor=prefect.engine.executors.LocalDaskExecutor(scheduler="threads"),
) as flow:
    limit = Parameter("limit", default=10)
    rows = extract()
    count(rows)
    fixed = Task(name="fixed", result_handler=ConstantResultHandler(42))
    audited = Task(name="audited", result_handler=AuditedLocal(dir="/srv/audit"))
    both = Task(name="both", result=already_new, result_handler=gcs)
    build(local)

try:
    flow.run()
except PrefectError as exc:
    print("flow failed", exc)
