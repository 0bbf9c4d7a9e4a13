"""When 2.x task and flow runs persist, where, and with which serializer (RESULTS_V2 §5-10).

All against real files under a temporary PREFECT_HOME (`<home>/storage` is the default
storage); S3 against the moto_server fixture.
"""

from __future__ import annotations

import json
import os
import threading
from datetime import timedelta
from pathlib import Path

import pytest

from prefect_compat import flow, task
from prefect_compat.exceptions import MissingResult
from prefect_compat.filesystems import S3, LocalFileSystem
from prefect_compat.results import LiteralResult, PersistedResult
from prefect_compat.settings import (
    PREFECT_RESULTS_DEFAULT_SERIALIZER,
    PREFECT_RESULTS_PERSIST_BY_DEFAULT,
    temporary_settings,
)

pytestmark = pytest.mark.usefixtures("home")  # settings under tmp_path (conftest)


def docs_in(directory: Path) -> list[dict]:
    if not directory.exists():
        return []
    return [json.loads(p.read_text()) for p in sorted(directory.iterdir())]


def stored(home: Path) -> list[dict]:
    return docs_in(home / "storage")


def run_states(flow_obj, *args):
    """The flow's task-run states (the flow body returns None after calling tasks)."""
    return flow_obj(*args, return_state=True).result()


@task
def plain():
    return "plain"


# -- the decision table (§5) ------------------------------------------------------------------


def test_nothing_is_written_by_default(home):
    @flow
    def default():
        return plain()

    assert default() == "plain"
    assert not (home / "storage").exists()


def test_flow_persist_result_persists_the_flow_only(home):
    @flow(persist_result=True)
    def persisting():
        return plain(return_state=True).data

    data = persisting()
    assert data == "plain"  # the task kept its raw value: not persisted
    state = persisting(return_state=True)
    assert isinstance(state.data, PersistedResult)
    assert len(stored(home)) == 2  # the two flow results


def test_flow_retries_persist_task_results_not_the_flow_result(home):
    @flow(retries=2)
    def retrying():
        plain()

    (task_state,) = run_states(retrying)
    assert isinstance(task_state.data, PersistedResult)
    assert len(stored(home)) == 1


def test_task_retries_persist_nothing(home):
    @task(retries=2)
    def retried():
        return 1

    @flow
    def host():
        retried()

    (state,) = run_states(host)
    assert state.data == 1
    assert stored(home) == []


def test_cache_key_fn_persists_only_that_task(home):
    @task(cache_key_fn=lambda context, parameters: "k")
    def keyed():
        return "keyed"

    @task(cache_expiration=timedelta(seconds=30))
    def expiring_only():
        return "not persisted"

    @flow
    def host():
        keyed()
        expiring_only()
        plain()

    keyed_state, expiring_state, plain_state = run_states(host)
    assert isinstance(keyed_state.data, PersistedResult)
    assert expiring_state.data == "not persisted" and plain_state.data == "plain"
    assert len(stored(home)) == 1


def test_cache_result_in_memory_false_persists_without_keeping_the_value(home):
    @task(cache_result_in_memory=False)
    def dropped():
        return "big"

    @flow
    def host():
        state = dropped(return_state=True)
        kept = state.data.has_cached_object()
        return dropped(), kept, state

    value, kept, state = host()
    assert value == "big"  # calling the task reads its value back from storage
    assert kept is False and isinstance(state.data, PersistedResult)
    assert state.result() == "big"
    assert len(stored(home)) == 2


def test_explicit_persist_result_wins_over_every_inference(home):
    @task(persist_result=False, cache_key_fn=lambda: "never-persisted")
    def refused():
        return "value"

    @flow(retries=1)
    def host():
        refused(return_state=True)
        refused(return_state=True)

    with temporary_settings(updates={PREFECT_RESULTS_PERSIST_BY_DEFAULT: True}):
        state = host(return_state=True)
    first, cached = state.result()
    assert first.data == "value"
    assert cached.name == "Cached"
    with pytest.raises(MissingResult):
        cached.result()
    assert isinstance(state.data, PersistedResult)  # the flow persisted (the setting)...
    assert len(stored(home)) == 1  # ...and is the only document: the task never wrote


def test_the_setting_persists_plain_tasks_and_flows(home):
    @task(persist_result=False)
    def opted_out():
        return "raw"

    @flow
    def host():
        return [plain(return_state=True), opted_out(return_state=True)]

    with temporary_settings(updates={PREFECT_RESULTS_PERSIST_BY_DEFAULT: True}):
        state = host(return_state=True)
    plain_state, opted_state = state.result()
    assert isinstance(plain_state.data, PersistedResult)
    assert opted_state.data == "raw"
    assert isinstance(state.data, PersistedResult)  # the flow's result too
    assert len(stored(home)) == 2


def test_child_flows_persist_when_the_parent_retries(home):
    @flow
    def child():
        return "child value"

    @flow(retries=1)
    def retrying_parent():
        return child(return_state=True)

    @flow
    def plain_parent():
        return child(return_state=True)

    assert isinstance(retrying_parent(return_state=True).data.data, PersistedResult)
    assert plain_parent(return_state=True).data.data == "child value"
    assert len(stored(home)) == 1


def test_flow_cache_result_in_memory_false_persists_the_flow(home):
    @flow(cache_result_in_memory=False)
    def dropped():
        return "large"

    assert dropped() == "large"
    (doc,) = stored(home)
    assert doc["serializer"]["type"] == "pickle"


def test_flow_with_neither_persistence_nor_memory(home):
    @flow(persist_result=False, cache_result_in_memory=False)
    def nothing():
        return "gone"

    @flow(persist_result=False, cache_result_in_memory=False)
    def returns_none():
        return None

    with pytest.raises(MissingResult):
        nothing()
    state = nothing(return_state=True)
    assert state.is_completed() and state.data is None and str(state) == "Completed()"
    assert returns_none() is None  # None is a literal: it always comes back


# -- what gets written ------------------------------------------------------------------------


def test_literals_are_never_written_even_when_persisting(home):
    @task(persist_result=True)
    def literal(value):
        return value

    @flow
    def host():
        for value in (None, True, False, 0, 1):
            literal(value)

    states = run_states(host)
    assert [type(s.data).__name__ for s in states] == [
        "LiteralResult",
        "LiteralResult",
        "LiteralResult",
        "PersistedResult",
        "PersistedResult",
    ]
    assert states[1].data.json() == '{"type": "literal", "value": true}'
    assert [s.result() for s in states] == [None, True, False, 0, 1]
    assert len(stored(home)) == 2


def test_none_is_a_literal_even_when_not_persisted():
    @task
    def nothing():
        return None

    @flow
    def host():
        return nothing(return_state=True)

    state = host(return_state=True).data
    assert state.data == LiteralResult(value=None)


def test_one_document_per_run_even_for_equal_values(home):
    @task(persist_result=True)
    def same():
        return "same"

    @flow
    def host():
        same()
        same()
        same()

    states = run_states(host)
    keys = {s.data.storage_key for s in states}
    assert len(keys) == 3 and len(stored(home)) == 3
    for key in keys:
        assert len(key) == 32 and int(key, 16) >= 0
        assert (home / "storage" / key).is_file()


def test_a_failed_persisted_task_writes_its_exception(home):
    @task(persist_result=True)
    def failing():
        raise KeyError("lost")

    @flow
    def host():
        failing.submit()

    flow_state = host(return_state=True)
    assert flow_state.is_failed() and flow_state.message == "1/1 states failed."
    (failed,) = flow_state.data
    assert isinstance(failed.data, PersistedResult)
    with pytest.raises(KeyError, match="lost"):
        failed.result()
    (doc,) = stored(home)
    assert doc["serializer"]["type"] == "pickle"


def test_state_data_exposes_key_and_serializer(home):
    @task(persist_result=True, result_serializer="json")
    def as_json():
        return {"a": [1, 2]}

    @flow
    def host():
        as_json()

    (state,) = run_states(host)
    assert state.data.serializer_type == "json"
    (doc,) = stored(home)
    assert doc["serializer"]["type"] == "json"
    assert json.loads(doc["data"]) == {"a": [1, 2]}
    assert (home / "storage" / state.data.storage_key).is_file()


def test_a_value_the_serializer_cannot_encode_crashes_the_task(home):
    @task(persist_result=True, result_serializer="json")
    def unencodable():
        return threading.Lock()

    @flow
    def host():
        return unencodable(return_state=True)

    state = host(return_state=True).data
    assert (state.name, state.type.value) == ("Crashed", "CRASHED")
    assert state.message.startswith(
        "Execution was interrupted by an unexpected exception: TypeError:"
    )
    assert "Task 'unencodable'" in state.message
    assert "'json' serializer" in state.message
    assert "_thread.lock" in state.message
    with pytest.raises(TypeError):
        state.result()
    assert not (home / "storage").exists() or os.listdir(home / "storage") == []


def test_storage_holds_only_result_documents_after_a_run(home):
    @task(persist_result=True)
    def value(i):
        return i

    @flow
    def host():
        for i in range(5):
            value.submit(i)

    run_states(host)
    names = os.listdir(home / "storage")
    assert len(names) == 5 and all(len(n) == 32 and "." not in n for n in names)


# -- where: storage and serializer resolution (§6, §7) ---------------------------------------


def test_the_flows_storage_is_used_by_its_tasks_unless_they_have_their_own(home, tmp_path):
    flow_dir, task_dir = tmp_path / "flow-results", tmp_path / "task-results"

    @task(persist_result=True, result_storage=LocalFileSystem(basepath=str(task_dir)))
    def own():
        return "own"

    @task(persist_result=True)
    def inherited():
        return "inherited"

    @flow(result_storage=LocalFileSystem(basepath=str(flow_dir)))
    def host():
        own()
        inherited()

    run_states(host)
    assert len(docs_in(flow_dir)) == 1 and len(docs_in(task_dir)) == 1
    assert stored(home) == []  # storage only says where; the flow itself did not persist


def test_with_options_storage_applies_to_the_copy_only(home, tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"

    @flow(persist_result=True, result_storage=LocalFileSystem(basepath=str(first)))
    def original():
        return "x"

    moved = original.with_options(result_storage=LocalFileSystem(basepath=str(second)))
    original()
    moved()
    assert len(docs_in(first)) == 1 and len(docs_in(second)) == 1


def test_a_relative_basepath_resolves_against_the_working_directory(home, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)

    @task(persist_result=True, result_storage=LocalFileSystem(basepath=".my-results"))
    def relative():
        return 1

    @flow
    def host():
        relative()

    run_states(host)
    assert len(docs_in(tmp_path / ".my-results")) == 1


def test_the_flows_serializer_reaches_its_tasks_and_the_tasks_own_wins(home):
    @task(persist_result=True)
    def inherits():
        return [1]

    @task(persist_result=True, result_serializer="pickle")
    def own():
        return [2]

    @flow(result_serializer="compressed/json")
    def host():
        inherits()
        own()

    states = run_states(host)
    assert [s.data.serializer_type for s in states] == ["compressed/json", "pickle"]
    assert [s.result() for s in states] == [[1], [2]]


def test_a_child_flow_inherits_storage_and_serializer_from_its_parent(home, tmp_path):
    parent_dir = tmp_path / "parent"

    @task(persist_result=True)
    def leaf():
        return "leaf"

    @flow
    def child():
        leaf()

    @flow(result_storage=LocalFileSystem(basepath=str(parent_dir)), result_serializer="json")
    def parent():
        return child(return_state=True)

    child_state = parent(return_state=True).data
    (leaf_state,) = child_state.result()
    assert leaf_state.data.serializer_type == "json"
    assert len(docs_in(parent_dir)) == 1


def test_the_default_serializer_setting(home):
    @task(persist_result=True)
    def value():
        return {"k": 1}

    @flow
    def host():
        value()

    with temporary_settings(updates={PREFECT_RESULTS_DEFAULT_SERIALIZER: "json"}):
        (state,) = run_states(host)
    assert state.data.serializer_type == "json"


def test_bad_storage_and_serializer_fail_at_decoration():
    with pytest.raises(ValueError, match="nope") as caught:
        task(result_serializer="nope")(lambda: 1)
    assert "pickle" in str(caught.value) and "compressed/json" in str(caught.value)
    with pytest.raises(ValueError, match="nope"):
        flow(result_serializer="nope")(lambda: 1)
    with pytest.raises(ValueError, match="dev-s3-block"):
        task(result_storage="s3/dev-s3-block")(lambda: 1)
    with pytest.raises(ValueError, match="dev-s3-block"):
        flow(result_storage="s3/dev-s3-block")(lambda: 1)
    with pytest.raises(TypeError, match="Got unsupported type 'int'"):
        task(result_storage=3)(lambda: 1)
    with pytest.raises(ValueError, match="nope"):
        plain.with_options(result_serializer="nope")


def test_a_saved_block_slug_names_the_storage(home, tmp_path):
    target = tmp_path / "saved"
    LocalFileSystem(basepath=str(target)).save("my-results")

    @task(persist_result=True, result_storage="local-file-system/my-results")
    def slugged():
        return "via slug"

    @flow
    def host():
        slugged()

    (state,) = run_states(host)
    assert state.result() == "via slug"
    assert len(docs_in(target)) == 1


def test_s3_storage_on_moto(home, s3_server, s3_bucket, s3_admin, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL", s3_server)

    @task(persist_result=True)
    def to_s3(x):
        return {"x": x}

    @flow(result_storage=S3(bucket_path=f"{s3_bucket}/prefix"))
    def host():
        to_s3(1)
        to_s3.submit(2)

    states = run_states(host)
    keys = sorted(o["Key"] for o in s3_admin.list_objects_v2(Bucket=s3_bucket)["Contents"])
    assert keys == sorted(f"prefix/{s.data.storage_key}" for s in states)
    assert [s.result() for s in states] == [{"x": 1}, {"x": 2}]
    assert stored(home) == []


def test_a_corrupt_document_names_the_key_and_the_serializer(home):
    from prefect_compat.exceptions import ResultReadError

    @task(cache_result_in_memory=False, result_serializer="json")
    def kept_in_storage():
        return {"a": 1}

    @flow
    def host():
        return kept_in_storage(return_state=True)

    state = host(return_state=True).data
    path = home / "storage" / state.data.storage_key
    path.write_text(path.read_text()[:20])  # truncated
    with pytest.raises(ResultReadError) as caught:
        state.result()
    assert state.data.storage_key in str(caught.value)
    assert "json" in str(caught.value)
