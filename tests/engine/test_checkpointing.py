"""Checkpointing in flow runs: when a value is written, where (templated locations), and
what happens when the write cannot be done.

Files and objects are checked directly on disk / in the bucket, not through the Result.
"""

from __future__ import annotations

import datetime
import os
import pickle
import threading

import cloudpickle
import pytest

import prefect_compat
from prefect_compat import Flow, Parameter, task, unmapped
from prefect_compat.engine import signals
from prefect_compat.engine.results import LocalResult, PrefectResult, S3Result
from prefect_compat.engine.state import Cached, Failed, Mapped, Success
from prefect_compat.exceptions import ResultReadError
from prefect_compat.utilities.configuration import set_temporary_config

ON = {"checkpointing": True}
DATE = datetime.datetime(2021, 3, 7, 12, 30, tzinfo=datetime.timezone.utc)


def files_under(root):
    """Every file under `root` (relative paths, hidden temporary files included)."""
    found = []
    for dirpath, _, names in os.walk(root):
        found += [os.path.relpath(os.path.join(dirpath, name), root) for name in names]
    return sorted(found)


def load(path):
    with open(path, "rb") as fh:
        return cloudpickle.loads(fh.read())


def only_state(state):
    (task_state,) = state.result.values()
    return task_state


# -- when a checkpoint happens ------------------------------------------------------------


def one_task_flow(root, value="v", **task_kwargs):
    @task(result=LocalResult(dir=str(root), location="{task_name}.pkl"), **task_kwargs)
    def produce():
        return value

    with Flow("when") as flow:
        out = produce()
    return flow, out


def test_off_by_default(tmp_path):
    flow, out = one_task_flow(tmp_path)
    state = flow.run()
    assert state.result[out].result == "v"
    assert state.result[out]._result.location is None
    assert files_under(tmp_path) == []


@pytest.mark.parametrize(
    "switch",
    ["set_temporary_config", "context_block", "run_context"],
)
def test_switched_on(tmp_path, switch):
    flow, out = one_task_flow(tmp_path)
    if switch == "set_temporary_config":
        with set_temporary_config({"flows.checkpointing": True}):
            state = flow.run()
    elif switch == "context_block":
        with prefect_compat.context(checkpointing=True):
            state = flow.run()
    else:
        state = flow.run(context=ON)
    assert state.result[out]._result.location == str(tmp_path / "produce.pkl")
    assert load(tmp_path / "produce.pkl") == "v"


def test_string_true_from_set_temporary_config_writes_nothing(tmp_path):
    """Surprise 2: only the value True (by identity) switches checkpointing on."""
    flow, out = one_task_flow(tmp_path)
    with set_temporary_config({"flows.checkpointing": "true"}):
        state = flow.run()
    assert state.result[out].is_successful()
    assert state.result[out]._result.location is None
    assert files_under(tmp_path) == []


def test_string_true_in_the_context_writes_nothing(tmp_path):
    flow, out = one_task_flow(tmp_path)
    state = flow.run(context={"checkpointing": "true"})
    assert state.result[out]._result.location is None
    assert files_under(tmp_path) == []


def test_context_false_beats_config_true(tmp_path):
    flow, out = one_task_flow(tmp_path)
    with set_temporary_config({"flows.checkpointing": True}):
        state = flow.run(context={"checkpointing": False})
    assert state.result[out]._result.location is None
    assert files_under(tmp_path) == []


def test_tasks_returning_none_are_never_checkpointed(tmp_path):
    """Surprise 3."""
    flow, out = one_task_flow(tmp_path, value=None)
    state = flow.run(context=ON)
    assert state.result[out].is_successful()
    assert state.result[out].result is None
    assert state.result[out]._result.location is None
    assert files_under(tmp_path) == []


def test_checkpoint_false_writes_nothing(tmp_path):
    flow, out = one_task_flow(tmp_path, checkpoint=False)
    state = flow.run(context=ON)
    assert state.result[out].result == "v"
    assert state.result[out]._result.location is None
    assert files_under(tmp_path) == []


def test_parameters_keep_their_prefect_result_under_a_flow_level_local_result(tmp_path):
    @task
    def echo(p):
        return p

    with Flow("params", result=LocalResult(dir=str(tmp_path), location="{task_name}")) as flow:
        p = Parameter("p", default=7)
        out = echo(p)

    state = flow.run(context=ON)
    assert state.result[p]._result == PrefectResult(value=7, location="7")
    assert files_under(tmp_path) == ["echo"]
    assert state.result[out].result == 7


def test_the_task_result_template_is_not_changed_by_runs(tmp_path):
    result = LocalResult(dir=str(tmp_path), location="{x}.pkl")

    @task(result=result)
    def ident(x):
        return x

    with Flow("immutable") as flow:
        ident.map([1, 2])

    flow.run(context=ON)
    assert result.location == "{x}.pkl"
    assert result.value is None
    assert files_under(tmp_path) == ["1.pkl", "2.pkl"]


# -- templated locations -----------------------------------------------------------------------


def test_every_context_key_can_be_used_in_a_location(tmp_path):
    keys = [
        "flow_name",
        "task_name",
        "task_full_name",
        "task_slug",
        "flow_run_id",
        "task_run_id",
        "map_index",
        "task_loop_count",
        "today",
    ]
    template = "/".join(f"{{{key}}}" for key in keys) + "/{date:%Y-%d}.pkl"
    seen = []

    @task(result=LocalResult(dir=str(tmp_path), location=template))
    def sq(x):
        seen.append(prefect_compat.context.task_run_id)
        return x * x

    with Flow("ctx-keys") as flow:
        sq.map([1, 2])

    state = flow.run(context={"checkpointing": True, "flow_run_id": "run-42", "date": DATE})
    assert state.is_successful()
    run_id = seen[0]
    assert set(seen) == {run_id}  # mapped children share the parent's task_run_id
    expected = [
        f"ctx-keys/sq/sq[{i}]/sq-1/run-42/{run_id}/{i}/1/2021-03-07/2021-07.pkl" for i in (0, 1)
    ]
    assert files_under(tmp_path) == expected
    assert load(tmp_path / expected[1]) == 4


def test_parameters_inputs_and_custom_context_in_a_location(tmp_path):
    template = "{parameters[p]}-{p}-{x}-{custom}-{from_run}.pkl"

    @task(result=LocalResult(dir=str(tmp_path), location=template))
    def scale(x, p):
        return x * p

    with Flow("values") as flow:
        p = Parameter("p", default=3)
        scale.map([1, 2], p=unmapped(p))

    with prefect_compat.context(custom="blk"):
        state = flow.run(context={"checkpointing": True, "from_run": "ctx"})
    assert state.is_successful()
    assert files_under(tmp_path) == ["3-3-1-blk-ctx.pkl", "3-3-2-blk-ctx.pkl"]
    assert load(tmp_path / "3-3-2-blk-ctx.pkl") == 6


def test_inputs_beat_context_and_context_beats_parameters(tmp_path):
    """Formatting kwargs, lowest to highest: parameters, context keys, task inputs."""

    @task(result=LocalResult(dir=str(tmp_path), location="{task_name}-{p}.pkl"))
    def shadow(task_name):
        return task_name

    with Flow("priority") as flow:
        p = Parameter("p", default="param")
        shadow("from-input", upstream_tasks=[p])

    flow.run(context={"checkpointing": True, "p": "from-context"})
    assert files_under(tmp_path) == ["from-input-from-context.pkl"]


def test_inputs_named_like_write_arguments_are_template_values(tmp_path):
    """`value` and `result` are ordinary input names, not arguments of the write path."""

    @task(result=LocalResult(dir=str(tmp_path), location="{value}-{result}.pkl"))
    def combine(value, result):
        return [value, result]

    with Flow("names") as flow:
        out = combine("v", "r")

    state = flow.run(context=ON)
    assert state.result[out].is_successful()
    assert files_under(tmp_path) == ["v-r.pkl"]
    assert load(tmp_path / "v-r.pkl") == ["v", "r"]


def test_format_specs_apply(tmp_path):
    @task(result=LocalResult(dir=str(tmp_path), location="{date:%Y/%m}/{x:04d}-{today}.pkl"))
    def fmt(x):
        return x

    with Flow("specs") as flow:
        fmt(7)

    flow.run(context={"checkpointing": True, "date": DATE})
    assert files_under(tmp_path) == ["2021/03/0007-2021-03-07.pkl"]


def test_callable_location_gets_the_formatting_kwargs(tmp_path):
    seen = {}

    def where(**kwargs):
        seen.update(kwargs)
        return f"{kwargs['flow_name']}/{kwargs['x']}-{kwargs.get('map_index')}.pkl"

    @task(result=LocalResult(dir=str(tmp_path), location=where))
    def ident(x):
        return x

    with Flow("callable") as flow:
        p = Parameter("p", default=1)
        ident(5, upstream_tasks=[p])

    flow.run(context=ON)
    assert files_under(tmp_path) == ["callable/5-None.pkl"]
    assert seen["task_name"] == "ident"
    assert seen["parameters"] == {"p": 1}
    assert seen["p"] == 1
    assert "self" not in seen


def test_default_location_when_none_is_given(tmp_path):
    @task(result=LocalResult(dir=str(tmp_path)))
    def a():
        return "a"

    @task(result=LocalResult(dir=str(tmp_path)))
    def b():
        return "b"

    with Flow("default") as flow:
        ta = a()
        tb = b()

    state = flow.run(context=ON)
    names = files_under(tmp_path)
    assert len(names) == 2
    assert all(name.startswith("prefect-result-") for name in names)
    assert load(state.result[ta]._result.location) == "a"
    assert load(state.result[tb]._result.location) == "b"


def test_mapped_children_each_get_their_own_file(tmp_path):
    @task(result=LocalResult(dir=str(tmp_path), location="sq/{map_index}.pkl"))
    def sq(x):
        return x * x

    with Flow("mapped") as flow:
        out = sq.map([1, 2, 3])

    state = flow.run(context=ON)
    parent = state.result[out]
    assert isinstance(parent, Mapped)
    assert parent._result.location is None  # the parent stores nothing itself
    assert files_under(tmp_path) == ["sq/0.pkl", "sq/1.pkl", "sq/2.pkl"]
    assert [child._result.location for child in parent.map_states] == [
        str(tmp_path / "sq" / f"{i}.pkl") for i in range(3)
    ]
    assert [load(tmp_path / "sq" / f"{i}.pkl") for i in range(3)] == [1, 4, 9]


def test_each_loop_iteration_gets_its_own_file_including_the_first(tmp_path):
    """Prefect has no task_loop_count on the first iteration (surprise 9); we use 1."""

    @task(result=LocalResult(dir=str(tmp_path), location="loop-{task_loop_count}.pkl"))
    def count_up():
        n = prefect_compat.context.get("task_loop_result", 0) + 1
        if n < 3:
            raise signals.LOOP(result=n)
        return n * 100

    with Flow("looping") as flow:
        out = count_up()

    state = flow.run(context=ON)
    assert state.result[out].result == 300
    assert files_under(tmp_path) == ["loop-1.pkl", "loop-2.pkl", "loop-3.pkl"]
    assert [load(tmp_path / f"loop-{i}.pkl") for i in (1, 2, 3)] == [1, 2, 300]
    assert state.result[out]._result.location == str(tmp_path / "loop-3.pkl")


def test_mapped_checkpoints_on_s3(s3_server, s3_bucket, s3_admin):
    result = S3Result(
        s3_bucket,
        boto3_kwargs={"endpoint_url": s3_server},
        location="{flow_name}/{task_name}/{map_index}.pkl",
    )

    @task(result=result)
    def sq(x):
        return x * x

    with Flow("s3-map") as flow:
        out = sq.map([1, 2, 3])

    state = flow.run(context=ON)
    assert [child._result.location for child in state.result[out].map_states] == [
        f"s3-map/sq/{i}.pkl" for i in range(3)
    ]
    listed = s3_admin.list_objects_v2(Bucket=s3_bucket)["Contents"]
    assert sorted(obj["Key"] for obj in listed) == [f"s3-map/sq/{i}.pkl" for i in range(3)]
    body = s3_admin.get_object(Bucket=s3_bucket, Key="s3-map/sq/2.pkl")["Body"].read()
    assert cloudpickle.loads(body) == 9


# -- bad input ----------------------------------------------------------------------------------


def test_unknown_template_key_fails_the_task_naming_key_and_task(tmp_path):
    @task(result=LocalResult(dir=str(tmp_path), location="{nonexistent}/{task_name}.pkl"))
    def save():
        return 1

    with Flow("bad-key") as flow:
        out = save()

    state = flow.run(context=ON)
    failed = state.result[out]
    assert isinstance(failed, Failed)
    assert failed.message.startswith("Unexpected error: KeyError('nonexistent')")
    assert "task 'save'" in failed.message
    assert isinstance(failed.result, KeyError)
    assert files_under(tmp_path) == []


def test_unknown_key_in_a_mapped_child_names_the_child(tmp_path):
    @task(result=LocalResult(dir=str(tmp_path), location="{missing}.pkl"))
    def save(x):
        return x

    with Flow("bad-key-map") as flow:
        out = save.map([1, 2])

    state = flow.run(context=ON)
    messages = [child.message for child in state.result[out].map_states]
    assert all("KeyError('missing')" in m for m in messages)
    assert ["task 'save[0]'" in messages[0], "task 'save[1]'" in messages[1]] == [True, True]
    assert files_under(tmp_path) == []


def test_a_value_the_serializer_cannot_handle_fails_the_task(tmp_path):
    @task(result=LocalResult(dir=str(tmp_path), location="lock.pkl"))
    def make_lock():
        return threading.Lock()

    with Flow("unpicklable") as flow:
        out = make_lock()

    state = flow.run(context=ON)
    failed = state.result[out]
    assert isinstance(failed, Failed)
    assert "task 'make_lock'" in failed.message
    assert "a value of type lock" in failed.message
    assert "PickleSerializer" in failed.message
    assert files_under(tmp_path) == []


def test_a_non_json_value_under_prefect_result_fails_the_task():
    @task(result=PrefectResult())
    def make_set():
        return {1, 2}

    with Flow("non-json") as flow:
        out = make_set()

    state = flow.run(context=ON)
    assert state.result[out].is_failed()
    assert "task 'make_set'" in state.result[out].message
    assert "set" in state.result[out].message


def blocked_result(tmp_path):
    """A LocalResult whose directory is a regular file: every write fails."""
    blocker = tmp_path / "blocker"
    blocker.write_bytes(b"I am a file")
    return blocker, LocalResult(dir=str(blocker), validate_dir=False, location="out.pkl")


def test_a_storage_error_on_write_fails_the_task_with_the_backend_message(tmp_path):
    blocker, result = blocked_result(tmp_path)

    @task(result=result)
    def produce():
        return "v"

    with Flow("disk-error") as flow:
        out = produce()

    state = flow.run(context=ON)
    failed = state.result[out]
    assert isinstance(failed, Failed)
    assert f"Cannot write '{blocker}/out.pkl'" in failed.message
    assert "Not a directory" in failed.message  # the OS's reason (ENOTDIR)
    assert "task 'produce'" in failed.message
    assert files_under(tmp_path) == ["blocker"]
    assert blocker.read_bytes() == b"I am a file"


def test_a_storage_error_on_write_is_retried(tmp_path):
    blocker, result = blocked_result(tmp_path)
    attempts = []

    @task(result=result, max_retries=2, retry_delay=datetime.timedelta(0))
    def produce():
        attempts.append(1)
        return "v"

    with Flow("disk-retry") as flow:
        out = produce()

    state = flow.run(context=ON)
    assert len(attempts) == 3
    assert state.result[out].is_failed()
    assert state.result[out].message.startswith("Unexpected error: StorageError(")
    assert files_under(tmp_path) == ["blocker"]


def test_a_transient_storage_error_succeeds_on_retry(tmp_path):
    blocker, result = blocked_result(tmp_path)
    attempts = []

    @task(result=result, max_retries=3, retry_delay=datetime.timedelta(0))
    def produce():
        attempts.append(1)
        if len(attempts) == 2:
            blocker.unlink()  # the "disk" recovers before the second write
        return "v"

    with Flow("disk-recovers") as flow:
        out = produce()

    state = flow.run(context=ON)
    assert len(attempts) == 2
    assert isinstance(state.result[out], Success)
    assert state.result[out]._result.location == str(blocker / "out.pkl")
    assert files_under(tmp_path) == ["blocker/out.pkl"]
    assert load(blocker / "out.pkl") == "v"


def test_s3_write_to_a_missing_bucket_fails_and_retries(s3_server, s3_bucket, s3_admin):
    missing = s3_bucket + "-missing"
    attempts = []

    @task(
        result=S3Result(missing, boto3_kwargs={"endpoint_url": s3_server}, location="k.pkl"),
        max_retries=1,
        retry_delay=datetime.timedelta(0),
    )
    def produce():
        attempts.append(1)
        return "v"

    with Flow("s3-missing") as flow:
        out = produce()

    state = flow.run(context=ON)
    failed = state.result[out]
    assert len(attempts) == 2
    assert isinstance(failed, Failed)
    assert "NoSuchBucket" in failed.message
    assert f"S3 bucket '{missing}', key 'k.pkl'" in failed.message
    assert "task 'produce'" in failed.message
    assert missing not in [b["Name"] for b in s3_admin.list_buckets()["Buckets"]]
    assert "Contents" not in s3_admin.list_objects_v2(Bucket=s3_bucket)


@pytest.mark.parametrize(
    "payload",
    [b"\x80\x05garbage", pickle.dumps(list(range(1000)))[:50]],
    ids=["corrupt", "truncated"],
)
def test_reading_a_bad_file_names_location_and_serializer(tmp_path, payload):
    (tmp_path / "bad.pkl").write_bytes(payload)
    with pytest.raises(ResultReadError, match=r"bad\.pkl.*PickleSerializer"):
        LocalResult(dir=str(tmp_path)).read("bad.pkl")
    with pytest.raises(ResultReadError, match=r"bad\.pkl.*PickleSerializer"):
        LocalResult(dir=str(tmp_path)).read(str(tmp_path / "bad.pkl"))


def test_a_corrupt_target_fails_the_task_instead_of_loading_garbage(tmp_path):
    (tmp_path / "t.pkl").write_bytes(b"not a pickle")
    calls = []

    @task(result=LocalResult(dir=str(tmp_path)), target="t.pkl")
    def cached():
        calls.append(1)
        return 1

    with Flow("bad-target") as flow:
        out = cached()

    state = flow.run()
    failed = state.result[out]
    assert isinstance(failed, Failed)
    assert isinstance(failed.result, ResultReadError)
    assert "Cannot read the result at 't.pkl' with PickleSerializer" in str(failed.result)
    assert "t.pkl" in failed.message
    assert "task 'cached'" in failed.message
    assert calls == []


def test_reading_a_missing_location_names_it(tmp_path):
    with pytest.raises(ResultReadError, match=r"'nowhere/x\.pkl'"):
        LocalResult(dir=str(tmp_path)).read("nowhere/x.pkl")


# -- targets and caching ------------------------------------------------------------------------


def test_a_target_hit_does_not_write_again(tmp_path):
    (tmp_path / "done.pkl").write_bytes(cloudpickle.dumps("first"))
    before = os.stat(tmp_path / "done.pkl").st_mtime_ns

    @task(result=LocalResult(dir=str(tmp_path)), target="done.pkl")
    def produce():
        return "second"

    with Flow("hit") as flow:
        out = produce()

    state = flow.run(context=ON)
    assert isinstance(state.result[out], Cached)
    assert state.result[out].result == "first"
    assert state.result[out].message == "Result found at task target done.pkl"
    assert os.stat(tmp_path / "done.pkl").st_mtime_ns == before
    assert files_under(tmp_path) == ["done.pkl"]


def test_mapped_targets_are_per_child(tmp_path):
    (tmp_path / "t-1.pkl").write_bytes(cloudpickle.dumps("stored"))
    calls = []

    @task(result=LocalResult(dir=str(tmp_path)), target="t-{map_index}.pkl")
    def work(x):
        calls.append(x)
        return x

    with Flow("map-target") as flow:
        out = work.map(["a", "b", "c"])

    state = flow.run(context=ON)
    children = state.result[out].map_states
    assert calls == ["a", "c"]
    assert [c.result for c in children] == ["a", "stored", "c"]
    assert isinstance(children[1], Cached)
    assert files_under(tmp_path) == ["t-0.pkl", "t-1.pkl", "t-2.pkl"]


def test_flow_result_with_callable_target_writes_target_and_caches(tmp_path):
    """Regression: a callable target on a task using the flow-level result."""
    calls = []

    @task(target=lambda **kw: "tgt.bin")
    def produce():
        calls.append(1)
        return 41

    with Flow("callable-target", result=LocalResult(dir=str(tmp_path))) as flow:
        p = produce()

    with set_temporary_config({"flows.checkpointing": True}):
        first = flow.run()
        second = flow.run()
    assert os.listdir(tmp_path) == ["tgt.bin"]
    assert first.result[p].result == 41
    assert type(second.result[p]) is Cached
    assert second.result[p].result == 41
    assert calls == [1]


def test_date_fields_in_a_location_are_named_as_prefect_names_them(tmp_path):
    """`{date}` and `{scheduled_start_time}` render as Prefect's pendulum 2 times print:
    ISO 8601 with a "T" (a plain datetime would put a space there and move the file)."""
    moment = datetime.datetime(2021, 2, 3, 4, 5, 6, tzinfo=datetime.timezone.utc)

    @task(result=LocalResult(dir=str(tmp_path), location="{date}--{scheduled_start_time}"))
    def stamped():
        return 1

    with Flow("dates") as flow:
        stamped()
    with prefect_compat.context(checkpointing=True, date="2021-02-03T04:05:06+00:00"):
        state = flow.run()
    assert state.is_successful()
    (name,) = os.listdir(tmp_path)
    date_part, start_part = name.split("--")
    assert date_part == "2021-02-03T04:05:06+00:00" == moment.isoformat()
    assert "T" in start_part and " " not in start_part
