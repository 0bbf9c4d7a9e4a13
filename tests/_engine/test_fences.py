"""Legacy and backends stay fenced off: a plain run imports only what it uses.

Each check runs a flow in a fresh interpreter and reads `sys.modules` at the end. A
run without result handlers or remote results must not import the 0.10/0.13 layer
(`prefect_compat._compat`), the S3/GCS storage modules or their libraries, nor Dask.
"""

from __future__ import annotations

import json
import textwrap

from tests.fixtures.fresh import fresh_python

FENCED = (
    "prefect_compat._compat",
    "prefect_compat._storage.s3",
    "prefect_compat._storage.gcs",
    "boto3",
    "botocore",
    "google",
    "dask",
    "distributed",
    "azure",
)

PLAIN_RUN = """
    import prefect_compat
    from prefect_compat import Flow, Parameter, task
    from prefect_compat.engine.flow_runner import FlowRunner
    from prefect_compat.engine.results import LocalResult
    from prefect_compat.engine.task_runner import TaskRunner
    from prefect_compat.utilities.configuration import set_temporary_config

    @task
    def inc(x):
        return x + 1

    @task
    def total(xs):
        return sum(xs)

    class Custom(TaskRunner):
        def get_task_inputs(self, state, upstream_states):
            return super().get_task_inputs(state, upstream_states)

    with Flow("fenced", result=LocalResult(dir=RESULTS)) as flow:
        out = total(inc.map(Parameter("p", default=[1, 2, 3])))

    with set_temporary_config({"flows.checkpointing": True}):
        assert flow.run().result[out].result == 9
    state = FlowRunner(flow, task_runner_cls=Custom).run(return_tasks=[out])
    assert state.result[out].result == 9
"""

HANDLER_RUN = """
    from prefect_compat import Flow, task
    from prefect_compat.engine.result_handlers import LocalResultHandler

    @task(result_handler=LocalResultHandler(dir=RESULTS))
    def one():
        return 1

    assert Flow("legacy", tasks=[one]).run().is_successful()
"""


def loaded_after(script: str, tmp_path) -> list[str]:
    """The fenced modules found in sys.modules after running `script` in a new process."""
    program = "\n".join(
        [
            "import json, sys",
            f"RESULTS = {str(tmp_path / 'results')!r}",
            textwrap.dedent(script),
            f"fenced = {FENCED!r}",
            "print(json.dumps(sorted(m for m in sys.modules if m.startswith(fenced))))",
        ]
    )
    lines = fresh_python(program, tmp_path, PREFECT__HOME_DIR=str(tmp_path / "home"))
    return json.loads(lines[-1])  # type: ignore[no-any-return]


def test_a_plain_run_imports_no_legacy_layer_backend_or_dask(tmp_path):
    assert loaded_after(PLAIN_RUN, tmp_path) == []
    assert any((tmp_path / "results").iterdir())  # the checkpoints were written locally


def test_a_result_handler_run_loads_the_legacy_layer_and_nothing_remote(tmp_path):
    loaded = loaded_after(HANDLER_RUN, tmp_path)
    assert "prefect_compat._compat.handlers" in loaded
    assert not [m for m in loaded if not m.startswith("prefect_compat._compat")]
