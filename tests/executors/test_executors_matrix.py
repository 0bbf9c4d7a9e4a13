"""The same flows on every executor give the same final states and the same files.

Each scenario is run on LocalExecutor (the reference) and on the executor under
test: LocalDaskExecutor threads/processes, and DaskExecutor on a real
`distributed.LocalCluster` with thread workers and with process workers (see
conftest.py). States are compared by type, message and result (exceptions by type
and text), Mapped children included; checkpoint files by relative path and bytes.
Each scenario also checks the reference itself, so a scenario that stopped doing
what it claims cannot pass silently.
"""

from __future__ import annotations

import datetime
import os
from pathlib import Path
from typing import Any, Callable

import pytest
from distributed import Client

import prefect_compat
from prefect_compat import Flow, Parameter, Task, flatten, task, unmapped
from prefect_compat.engine import signals
from prefect_compat.engine.results import GCSResult, LocalResult, S3Result
from prefect_compat.engine.state import Mapped
from prefect_compat.utilities.configuration import set_temporary_config
from tests.fixtures.servers import FAKE_AWS_ENV, unique_bucket_name

# -- normalising what a run produced ---------------------------------------------------


def _value(value: Any) -> Any:
    if isinstance(value, BaseException):
        return (type(value).__name__, str(value))
    if isinstance(value, list):
        return [_value(v) for v in value]
    return value


def _state(state: Any) -> tuple:
    entry: tuple = (type(state).__name__, state.message, _value(state.result))
    if isinstance(state, Mapped):
        entry += (tuple(_state(child) for child in state.map_states),)
    return entry


def summarize(flow: Flow, state: Any) -> dict:
    tasks = {flow.slugs[t]: _state(s) for t, s in state.result.items()}
    return {"flow": (type(state).__name__, state.message), "tasks": tasks}


def named(summary: dict, name: str) -> list:
    """The summaries of the tasks called `name` (slugs are `<name>-<n>`)."""
    return [s for slug, s in sorted(summary["tasks"].items()) if slug.rsplit("-", 1)[0] == name]


def files_under(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


# -- scenarios: build(result_dir) -> (flow, run kwargs), check(summary, files) ----------


def seed_functional(_: Path) -> tuple:
    @task
    def get_value():
        return 10

    @task
    def add_value(v):
        return v + 10

    @task
    def print_value(v):
        print(v)

    with Flow("task-results") as flow:
        v = get_value()
        v_added = add_value(v)
        print_value(v_added)
    return flow, {}


def check_seed(summary: dict, files: dict) -> None:
    results = sorted((s[0], repr(s[2])) for s in summary["tasks"].values())
    assert results == [("Success", "10"), ("Success", "20"), ("Success", "None")]


def seed_imperative(_: Path) -> tuple:
    class GetValue(Task):
        def run(self):
            return 10

    class AddValue(Task):
        def run(self, v):
            return v + 10

    class PrintValue(Task):
        def run(self, v):
            print(v)

    flow = Flow("task-results")
    get_value, add_value, print_value = GetValue(), AddValue(), PrintValue()
    get_value.set_downstream(add_value, key="v", flow=flow)
    add_value.set_downstream(print_value, key="v", flow=flow)
    return flow, {}


def mapping_with_checkpoints(root: Path) -> tuple:
    def stored(name: str) -> LocalResult:
        return LocalResult(dir=str(root), location=name + "/{map_index}.pkl")

    @task
    def numbers():
        return list(range(25))

    @task(result=stored("inc"))
    def inc(x):
        return x + 1

    @task(result=stored("double"))
    def double(x):
        return x * 2

    @task(result=LocalResult(dir=str(root), location="total.pkl"))
    def total(xs):
        return sum(xs)

    @task(result=stored("shift"))
    def shift(x, by):
        return x + by

    @task
    def pair(x):
        return [x, -x]

    @task(result=stored("flat"))
    def negate(x):
        return -x

    with Flow("mapping") as flow:
        doubled = double.map(inc.map(numbers()))
        summed = total(doubled)
        shift.map(doubled, unmapped(summed))
        negate.map(flatten(pair.map(doubled)))
    return flow, {}


def check_mapping(summary: dict, files: dict) -> None:
    assert summary["flow"][0] == "Success"
    assert len([f for f in files if f.startswith("inc/")]) == 25
    assert len([f for f in files if f.startswith("flat/")]) == 50
    assert "total.pkl" in files and "shift/24.pkl" in files


def looping(root: Path) -> tuple:
    @task(result=LocalResult(dir=str(root), location="loop/{map_index}-{task_loop_count}.pkl"))
    def count_to(limit):
        so_far = prefect_compat.context.get("task_loop_result", 0)
        if so_far < limit:
            raise signals.LOOP(result=so_far + 1)
        return so_far * 100

    with Flow("looping") as flow:
        count_to.map([1, 3, 2])
    return flow, {}


def check_looping(summary: dict, files: dict) -> None:
    (mapped,) = named(summary, "count_to")
    assert [child[2] for child in mapped[3]] == [100, 300, 200]
    assert sorted(files) == sorted(
        ["loop/0-1.pkl", "loop/0-2.pkl"]
        + [f"loop/1-{i}.pkl" for i in range(1, 5)]
        + [f"loop/2-{i}.pkl" for i in range(1, 4)]
    )


def retries(_: Path) -> tuple:
    @task(max_retries=2, retry_delay=datetime.timedelta(0))
    def flaky(x):
        if prefect_compat.context.get("task_run_count") < 2:
            raise ValueError(f"first try of {x} fails")
        return x * 10

    @task(max_retries=1, retry_delay=datetime.timedelta(0))
    def hopeless():
        raise RuntimeError(f"attempt {prefect_compat.context.get('task_run_count')}")

    with Flow("retries") as flow:
        flaky.map([1, 2, 3])
        flaky(5)
        hopeless()
    return flow, {}


def check_retries(summary: dict, files: dict) -> None:
    (hopeless,) = named(summary, "hopeless")
    assert (hopeless[0], hopeless[2]) == ("Failed", ("RuntimeError", "attempt 2"))
    mapped, single = sorted(named(summary, "flaky"))
    assert [child[2] for child in mapped[3]] == [10, 20, 30]
    assert (single[0], single[2]) == ("Success", 50)


def failing_branch(_: Path) -> tuple:
    @task
    def numbers():
        return [1, 2, 3]

    @task
    def inc(x):
        if x == 2:
            raise ValueError("two")
        return x + 1

    @task
    def collect(xs):
        return xs

    @task
    def fine():
        return "fine"

    with Flow("failing") as flow:
        first = inc.map(numbers())
        inc.map(first)
        collect(first)
        fine()
    return flow, {}


def check_failing(summary: dict, files: dict) -> None:
    first, second = named(summary, "inc")
    assert [c[0] for c in first[3]] == ["Success", "Failed", "Success"]
    assert [c[0] for c in second[3]] == ["Failed", "TriggerFailed", "Success"]
    assert named(summary, "collect")[0][0] == "TriggerFailed"
    assert named(summary, "fine")[0][:1] == ("Success",)
    assert summary["flow"][0] == "Failed"


def context_in_workers(_: Path) -> tuple:
    @task
    def probe(x):
        ctx = prefect_compat.context
        return {
            "x": x,
            "map_index": ctx.get("map_index"),
            "task_loop_count": ctx.get("task_loop_count"),
            "task_full_name": ctx.get("task_full_name"),
            "custom": ctx.get("custom"),
            "outer": ctx.get("outer"),
            "p": ctx.get("parameters", {}).get("p"),
            "flow_name": ctx.get("flow_name"),
        }

    with Flow("ctx") as flow:
        p = Parameter("p", default=1)
        probe.map([10, 20])
        probe(p)
    return flow, {"parameters": {"p": 7}, "context": {"custom": "from run"}}


def check_context(summary: dict, files: dict) -> None:
    mapped, single = sorted(named(summary, "probe"))
    assert single[2]["p"] == 7 and single[2]["map_index"] is None
    second = mapped[3][1][2]
    assert second == {
        "x": 20,
        "map_index": 1,
        "task_loop_count": 1,
        "task_full_name": "probe[1]",
        "custom": "from run",
        "outer": "from with-block",
        "p": 7,
        "flow_name": "ctx",
    }


SCENARIOS: dict[str, tuple[Callable, Callable]] = {
    "seed_functional": (seed_functional, check_seed),
    "seed_imperative": (seed_imperative, check_seed),
    "mapping_checkpoints": (mapping_with_checkpoints, check_mapping),
    "looping": (looping, check_looping),
    "retries": (retries, check_retries),
    "failing_branch": (failing_branch, check_failing),
    "context": (context_in_workers, check_context),
}


def run_scenario(name: str, executor: Any, root: Path) -> tuple[dict, dict]:
    build, _ = SCENARIOS[name]
    root.mkdir()
    flow, kwargs = build(root)
    with (
        set_temporary_config({"flows.checkpointing": True}),
        prefect_compat.context(outer="from with-block"),
    ):
        state = flow.run(executor=executor, **kwargs)
    return summarize(flow, state), files_under(root)


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_same_states_and_files_on_every_executor(scenario, executor_kind, make_executor, tmp_path):
    expected, expected_files = run_scenario(scenario, make_executor("local"), tmp_path / "ref")
    SCENARIOS[scenario][1](expected, expected_files)

    summary, files = run_scenario(scenario, make_executor(executor_kind), tmp_path / "run")

    assert summary == expected
    assert files == expected_files


# -- remote results: checkpoints written by the workers to S3 / GCS emulators -----------


def remote_flow(make_result: Callable[[str], Any]) -> tuple:
    @task
    def numbers():
        return list(range(10))

    @task(result=make_result("inc/{map_index}.pkl"))
    def inc(x):
        return x + 1

    @task(result=make_result("total.pkl"))
    def total(xs):
        return sum(xs)

    with Flow("remote") as flow:
        total(inc.map(numbers()))
    return flow


def s3_store(request: pytest.FixtureRequest, kind: str) -> tuple:
    server, admin = request.getfixturevalue("s3_server"), request.getfixturevalue("s3_admin")
    # credentials travel with the Result: process workers started before this test
    # do not see the test's environment
    options = {
        "endpoint_url": server,
        "region_name": FAKE_AWS_ENV["AWS_DEFAULT_REGION"],
        "aws_access_key_id": FAKE_AWS_ENV["AWS_ACCESS_KEY_ID"],
        "aws_secret_access_key": FAKE_AWS_ENV["AWS_SECRET_ACCESS_KEY"],
    }

    def bucket() -> str:
        name = unique_bucket_name()
        admin.create_bucket(Bucket=name)
        return name

    def result(name: str) -> Callable[[str], Any]:
        return lambda location: S3Result(name, boto3_kwargs=options, location=location)

    def objects(name: str) -> dict:
        listed = admin.list_objects_v2(Bucket=name).get("Contents", [])
        return {
            o["Key"]: admin.get_object(Bucket=name, Key=o["Key"])["Body"].read() for o in listed
        }

    return bucket, result, objects


def set_env(name: str, value: str | None) -> None:
    """Runs on each worker process (via `client.run`)."""
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value


def _unset_on_workers(cluster: Any, name: str) -> None:
    with Client(cluster, set_as_default=False) as client:
        client.run(set_env, name, None)


def gcs_store(request: pytest.FixtureRequest, kind: str) -> tuple:
    server, admin = request.getfixturevalue("gcs_server"), request.getfixturevalue("gcs_admin")
    request.getfixturevalue("monkeypatch").setenv("STORAGE_EMULATOR_HOST", server)
    if kind == "dask_processes":
        # worker processes were started before this test: give them the emulator too
        cluster = request.getfixturevalue("process_cluster")
        with Client(cluster, set_as_default=False) as client:
            client.run(set_env, "STORAGE_EMULATOR_HOST", server)
        request.addfinalizer(lambda: _unset_on_workers(cluster, "STORAGE_EMULATOR_HOST"))

    def bucket() -> str:
        name = unique_bucket_name()
        admin.create_bucket(name)
        return name

    def result(name: str) -> Callable[[str], Any]:
        return lambda location: GCSResult(bucket=name, location=location)

    def objects(name: str) -> dict:
        return {b.name: b.download_as_bytes() for b in admin.bucket(name).list_blobs()}

    return bucket, result, objects


@pytest.mark.parametrize("backend", ["s3", "gcs"])
def test_remote_checkpoints_match_on_every_executor(backend, executor_kind, make_executor, request):
    bucket, result, objects = (s3_store if backend == "s3" else gcs_store)(request, executor_kind)
    runs = []
    for kind, name in (("local", bucket()), (executor_kind, bucket())):
        flow = remote_flow(result(name))
        with set_temporary_config({"flows.checkpointing": True}):
            state = flow.run(executor=make_executor(kind))
        runs.append((summarize(flow, state), objects(name)))

    (expected, expected_objects), (summary, found) = runs
    assert expected["flow"][0] == "Success"
    assert sorted(expected_objects) == sorted([f"inc/{i}.pkl" for i in range(10)] + ["total.pkl"])
    assert summary == expected
    assert found == expected_objects
