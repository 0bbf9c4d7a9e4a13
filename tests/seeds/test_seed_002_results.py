"""Seed 002 ("Using Results"): every code block that can run locally, as flow runs.

The blocks are verbatim apart from: the import root (`prefect` -> `prefect_compat`),
the imports the guide leaves implicit (`Flow`, `task`, `Task`), `as flow` where the
guide's `with Flow(...)` block does not bind the flow it then runs, bodies for
`# ...` placeholders, the GCS bucket (a fresh one on the emulator) and the results
directory (`/Users/prefect/results` -> a tmp dir). `LocalResult()` writes to
`<home_dir>/results`, so `home_dir` points at a tmp dir.

The guide's `state.result[second_result]._result.safe_value` line is not asserted:
Results have no `safe_value` (Prefect 1.x has none; 0.13's stays NoResult in local runs).

`export PREFECT__FLOWS__CHECKPOINTING=true` is exercised for real in a subprocess
(the env var is read when the package is imported), as is a user config file; the
in-process tests switch checkpointing on with `set_temporary_config`.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap

import cloudpickle
import pytest

import prefect_compat
from prefect_compat.utilities.configuration import set_temporary_config

UUID_LOCATION = re.compile(r"\d{4}/\d{1,2}/\d{1,2}/[0-9a-f-]{36}\.prefect_result")

# The guide's first block ("Setting result at the flow level"), plus imports and a
# report of where each task's result went.
FLOW_LEVEL_SCRIPT = """
from prefect_compat import Flow, task

# flow.py
from prefect_compat.engine.results import LocalResult

@task
def add(x, y=1):
    return x + y

# send the configuration to the Flow object
with Flow("my handled flow!", result=LocalResult()) as flow:
    first_result = add(1, y=2)
    second_result = add(x=first_result, y=100)

import json
state = flow.run()
print(json.dumps({
    "first": [state.result[first_result].result, state.result[first_result]._result.location],
    "second": [state.result[second_result].result, state.result[second_result]._result.location],
}))
"""


@pytest.fixture
def home(tmp_path, monkeypatch):
    home = tmp_path / "prefect-home"
    monkeypatch.setitem(prefect_compat.config, "home_dir", str(home))
    return home


@pytest.fixture
def checkpointing():
    with set_temporary_config({"flows.checkpointing": True}):
        yield


def files_under(root):
    found = []
    for dirpath, _, names in os.walk(root):
        found += [os.path.join(dirpath, name) for name in names]
    return sorted(found)


def run_script(script, tmp_path, **env):
    """Run `script` in a fresh interpreter with only the given PREFECT__* variables."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT__")}
    clean.update(env, PREFECT__LOGGING__LEVEL="ERROR")
    proc = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        env=clean,
        cwd=str(tmp_path),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def assert_flow_level_results_written(report, home):
    results = home / "results"
    (first_value, first_loc), (second_value, second_loc) = report["first"], report["second"]
    assert (first_value, second_value) == (3, 103)
    assert os.path.dirname(first_loc) == str(results)
    assert os.path.dirname(second_loc) == str(results)
    assert files_under(results) == sorted([first_loc, second_loc])
    with open(first_loc, "rb") as fh:
        assert cloudpickle.loads(fh.read()) == 3
    with open(second_loc, "rb") as fh:
        assert cloudpickle.loads(fh.read()) == 103


# -- switching checkpointing on ------------------------------------------------------------


def test_flow_level_result_with_the_env_var(tmp_path):
    home = tmp_path / "home"
    report = run_script(
        FLOW_LEVEL_SCRIPT,
        tmp_path,
        PREFECT__FLOWS__CHECKPOINTING="true",
        PREFECT__HOME_DIR=str(home),
    )
    assert_flow_level_results_written(report, home)


def test_flow_level_result_with_a_user_config_file(tmp_path):
    home = tmp_path / "home"
    user_config = tmp_path / "config.toml"
    user_config.write_text(f'home_dir = "{home}"\n\n[flows]\ncheckpointing = true\n')
    report = run_script(FLOW_LEVEL_SCRIPT, tmp_path, PREFECT__USER_CONFIG_PATH=str(user_config))
    assert_flow_level_results_written(report, home)


def test_flow_level_result_is_not_written_by_default(tmp_path):
    home = tmp_path / "home"
    report = run_script(FLOW_LEVEL_SCRIPT, tmp_path, PREFECT__HOME_DIR=str(home))
    assert report == {"first": [3, None], "second": [103, None]}
    # LocalResult() made the dir, nothing was written; the run journal records the run
    written = [f for f in files_under(home) if not os.path.basename(f).startswith("journal.db")]
    assert written == []


def test_the_string_true_from_a_config_file_also_enables_it(tmp_path):
    """TOML strings are cast like env values, so checkpointing = "true" works too."""
    home = tmp_path / "home"
    user_config = tmp_path / "config.toml"
    user_config.write_text(f'home_dir = "{home}"\n[flows]\ncheckpointing = "true"\n')
    report = run_script(FLOW_LEVEL_SCRIPT, tmp_path, PREFECT__USER_CONFIG_PATH=str(user_config))
    assert_flow_level_results_written(report, home)


def test_flow_level_result_with_set_temporary_config(home):
    from prefect_compat import Flow, task

    # flow.py
    from prefect_compat.engine.results import LocalResult

    @task
    def add(x, y=1):
        return x + y

    # send the configuration to the Flow object
    with Flow("my handled flow!", result=LocalResult()) as flow:
        first_result = add(1, y=2)
        second_result = add(x=first_result, y=100)

    with set_temporary_config({"flows.checkpointing": True}):
        state = flow.run()
    report = {
        "first": [state.result[first_result].result, state.result[first_result]._result.location],
        "second": [
            state.result[second_result].result,
            state.result[second_result]._result.location,
        ],
    }
    assert_flow_level_results_written(report, home)

    state = flow.run()  # after the block: off again, nothing new is written
    assert state.result[first_result]._result.location is None
    assert len(files_under(home / "results")) == 2


# -- task-level results ------------------------------------------------------------------


def test_task_level_results(tmp_path, checkpointing):
    from prefect_compat import Flow, Task, task

    results_dir = str(tmp_path / "results")

    # flow.py
    from prefect_compat.engine.results import LocalResult, PrefectResult

    # configure on the task decorator
    @task(result=PrefectResult())
    def add(x, y=1):
        return x + y

    class AddTask(Task):
        def run(self, x, y):
            return x + y

    # or when instantiating a Task object
    a = AddTask(result=LocalResult(dir=results_dir))

    with Flow("my handled flow!") as flow:
        first_result = add(1, y=2)
        second_result = add(x=first_result, y=100)

    state = flow.run()
    assert state.result[first_result]._result.location == "3"
    assert state.result[second_result]._result.location == "103"
    assert state.result[second_result].result == 103
    assert files_under(tmp_path) == []  # PrefectResult stores nothing on disk

    # `a` is configured but not used by the guide's flow; running it writes to its dir.
    with Flow("uses a") as flow_a:
        out = a(x=1, y=2)
    state = flow_a.run()
    location = state.result[out]._result.location
    assert os.path.dirname(location) == results_dir
    assert files_under(results_dir) == [location]


def test_task_level_result_wins_over_the_flow_level_result(tmp_path, checkpointing):
    from prefect_compat import Flow, task
    from prefect_compat.engine.results import LocalResult, PrefectResult

    @task(result=PrefectResult())
    def own(x):
        return x

    @task
    def inherits(x):
        return x + 1

    flow_result = LocalResult(dir=str(tmp_path), location="{task_name}.pkl")
    with Flow("levels", result=flow_result) as flow:
        a = own(1)
        b = inherits(a)

    state = flow.run()
    assert state.result[a]._result == PrefectResult(value=1, location="1")
    assert state.result[b]._result.location == str(tmp_path / "inherits.pkl")
    assert files_under(tmp_path) == [str(tmp_path / "inherits.pkl")]
    assert flow_result.location == "{task_name}.pkl"  # tasks got copies


def test_checkpoint_false_opts_a_task_out(tmp_path, checkpointing):
    from prefect_compat import Flow, task
    from prefect_compat.engine.results import LocalResult

    @task(checkpoint=False)
    def private():
        return "secret-ish"

    @task
    def public():
        return "shared"

    with Flow("opt-out", result=LocalResult(dir=str(tmp_path), location="{task_name}")) as flow:
        p = private()
        q = public()

    state = flow.run()
    assert state.result[p].result == "secret-ish"
    assert state.result[p]._result.location is None
    assert state.result[q]._result.location == str(tmp_path / "public")
    assert files_under(tmp_path) == [str(tmp_path / "public")]


# -- GCSResult -------------------------------------------------------------------------------


def blob_names(gcs_admin, bucket):
    return sorted(blob.name for blob in gcs_admin.list_blobs(bucket))


def test_gcs_flow_level_result_uses_dated_uuid_keys(gcs_bucket, gcs_admin, checkpointing):
    from prefect_compat import Flow, task

    @task
    def add(x, y=1):
        return x + y

    # flow.py
    from prefect_compat.engine.results import GCSResult

    gcs_result = GCSResult(bucket=gcs_bucket)

    with Flow("my handled flow!", result=gcs_result) as flow:
        first_result = add(1, y=2)
        second_result = add(x=first_result, y=100)

    state = flow.run()
    first_location = state.result[first_result]._result.location
    second_location = state.result[second_result]._result.location
    assert UUID_LOCATION.fullmatch(first_location)
    assert UUID_LOCATION.fullmatch(second_location)
    # what `gsutil ls -r gs://<bucket>` shows: one object per task return value
    assert blob_names(gcs_admin, gcs_bucket) == sorted([first_location, second_location])
    stored = gcs_admin.bucket(gcs_bucket).blob(second_location).download_as_bytes()
    assert cloudpickle.loads(stored) == 103


def test_gcs_result_with_a_fixed_location(gcs_bucket, gcs_admin, checkpointing):
    from prefect_compat import Flow, task

    # flow.py
    from prefect_compat.engine.results import GCSResult

    gcs_result = GCSResult(bucket=gcs_bucket, location="my_task.txt")

    @task(result=gcs_result)
    def my_task():
        return "my data"

    with Flow("fixed") as flow:
        t = my_task()

    state = flow.run()
    assert state.result[t]._result.location == "my_task.txt"
    assert blob_names(gcs_admin, gcs_bucket) == ["my_task.txt"]
    assert GCSResult(bucket=gcs_bucket).read("my_task.txt").value == "my data"


def test_gcs_result_with_a_templated_location(gcs_bucket, gcs_admin, checkpointing):
    from prefect_compat import Flow, task

    # flow.py
    from prefect_compat.engine.results import GCSResult

    gcs_result = GCSResult(bucket=gcs_bucket, location="{task_name}.txt")

    @task(result=gcs_result)
    def my_task():
        return "my data"

    with Flow("templated") as flow:
        t = my_task()

    state = flow.run()
    assert state.result[t]._result.location == "my_task.txt"
    assert blob_names(gcs_admin, gcs_bucket) == ["my_task.txt"]
    assert gcs_result.location == "{task_name}.txt"


def test_gcs_flow_level_templated_location_separates_tasks(gcs_bucket, gcs_admin, checkpointing):
    from prefect_compat import Flow, task

    # flow.py
    from prefect_compat.engine.results import GCSResult

    gcs_result = GCSResult(bucket=gcs_bucket, location="{task_name}.txt")

    @task
    def my_task():
        return 1

    @task
    def my_second_task():
        return 2

    with Flow("my handled flow!", result=gcs_result) as flow:
        my_task()
        my_second_task()

    state = flow.run()
    assert state.is_successful()
    assert blob_names(gcs_admin, gcs_bucket) == ["my_second_task.txt", "my_task.txt"]
    bucket = gcs_admin.bucket(gcs_bucket)
    assert cloudpickle.loads(bucket.blob("my_task.txt").download_as_bytes()) == 1
    assert cloudpickle.loads(bucket.blob("my_second_task.txt").download_as_bytes()) == 2


# -- PrefectResult ----------------------------------------------------------------------------


def test_prefect_result_location_holds_the_json_text(checkpointing):
    from prefect_compat import Flow, task

    @task
    def add(x, y=1):
        return x + y

    # flow.py
    from prefect_compat.engine.results import PrefectResult

    with Flow("my handled flow!", result=PrefectResult()) as flow:
        first_result = add(1, y=2)
        second_result = add(x=first_result, y=100)

    state = flow.run()
    assert state.result[first_result]._result.value == 3
    # The guide prints `3`; the location is the JSON *string* '3' (surprise 6).
    assert state.result[first_result]._result.location == "3"
    assert state.result[second_result]._result.location == "103"


# -- target= ----------------------------------------------------------------------------------


def test_target_is_created_when_checkpointing_then_skips_the_run(tmp_path):
    from prefect_compat import Flow, task
    from prefect_compat.engine.results import LocalResult

    calls = []

    @task(result=LocalResult(dir=str(tmp_path)), target="{task_name}-{x}.pkl")
    def expensive(x):
        calls.append(x)
        return x * 10

    with Flow("targets") as flow:
        out = expensive(4)

    first = flow.run()  # checkpointing off: runs, creates nothing
    assert first.result[out].result == 40
    assert files_under(tmp_path) == []

    with set_temporary_config({"flows.checkpointing": True}):
        second = flow.run()  # runs and creates the target
    target = files_under(tmp_path)
    assert len(target) == 1
    assert target == [str(tmp_path / "expensive-4.pkl")]
    assert second.result[out]._result.location == target[0]
    assert calls == [4, 4]

    third = flow.run()  # target exists: loaded, not run (checkpointing off again)
    state = third.result[out]
    assert calls == [4, 4]
    assert state.is_cached()
    assert state.result == 40
    assert state.message == f"Result found at task target {os.path.basename(target[0])}"
