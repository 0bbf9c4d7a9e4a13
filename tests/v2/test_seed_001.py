"""Seed 001 (Prefect 2.6.9's "Results" page): every code example, run as written.

Each example's text is executed verbatim with `import prefect` resolving to
prefect_compat for that code only (an `__import__` that maps the name; the process-wide
alias is not installed). The imports the seed leaves implicit (`from prefect import
flow, task`) are put in front, as RESULTS_V2 §14 says to read them. The assertions are
what RESULTS_V2 says each example yields on real 2.6.9 (and, where §14 proposes an
improvement over 2.6.9, what prefect-compat does instead).

Persistence lands in a temporary PREFECT_HOME (`home` fixture): its `storage/`
directory holds the result documents, `task-cache/` the task cache index.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from prefect_compat.exceptions import MissingResult
from prefect_compat.results import LiteralResult, PersistedResult
from prefect_compat.serializers import PickleSerializer
from prefect_compat.settings import (
    PREFECT_HOME,
    PREFECT_LOCAL_STORAGE_PATH,
    temporary_settings,
)
from prefect_compat.states import State
from tests.v2 import examples

IMPLICIT = "from prefect import flow, task\n"


def run_example(source: str, implicit: str = "") -> dict:
    return examples.run_example(source, implicit, label="seed 001 example")


@pytest.fixture
def home(tmp_path):
    """A fresh PREFECT_HOME; result documents go to <home>/storage."""
    root = tmp_path / "prefect-home"
    with temporary_settings(
        updates={PREFECT_HOME: str(root), PREFECT_LOCAL_STORAGE_PATH: str(root / "storage")}
    ):
        yield root


def documents(home: Path) -> list[dict]:
    storage = home / "storage"
    if not storage.exists():
        return []
    return [json.loads(p.read_text()) for p in sorted(storage.iterdir())]


# -- Retrieving results ----------------------------------------------------------------------

RETRIEVE_CALL = """
from prefect import flow, task

@task
def my_task():
    return 1

@flow
def my_flow():
    task_result = my_task()
    return task_result + 1

result = my_flow()
assert result == 2
"""

RETRIEVE_STATE = """
from prefect import flow, task

@task
def my_task():
    return 1

@flow
def my_flow():
    state = my_task(return_state=True)
    return state.result() + 1

state = my_flow(return_state=True)
assert state.result() == 2
"""

RETRIEVE_FUTURE = """
from prefect import flow, task

@task
def my_task():
    return 1

@flow
def my_flow():
    future = my_task.submit()
    return future.result() + 1

result = my_flow()
assert result == 2
"""


def test_calling_a_flow_returns_the_value(home):
    assert run_example(RETRIEVE_CALL)["result"] == 2
    assert documents(home) == []  # nothing persisted by default


def test_state_result_of_a_task_and_of_the_flow(home):
    state = run_example(RETRIEVE_STATE)["state"]
    assert isinstance(state, State)
    assert repr(state) == "Completed(message=None, type=COMPLETED, result=2)"
    assert str(state) == "Completed()"
    assert state.is_completed() and state.is_final() and not state.is_failed()


def test_future_result_of_a_submitted_task(home):
    assert run_example(RETRIEVE_FUTURE)["result"] == 2


# -- Handling failures ------------------------------------------------------------------------

FAIL_CALL = """
from prefect import flow, task

@task
def my_task():
    raise ValueError()

@flow
def my_flow():
    try:
        my_task()
    except ValueError:
        print("Oh no! The task failed.")

    return True

my_flow()
"""

FAIL_STATE_CHECK = """
from prefect import flow, task

@task
def my_task():
    raise ValueError()

@flow
def my_flow():
    state = my_task(return_state=True)

    if state.is_failed():
        print("Oh no! The task failed. Falling back to '1'.")
        result = 1
    else:
        result = state.result()

    return result + 1

result = my_flow()
assert result == 2
"""

FAIL_STATE_RAISE = """
from prefect import flow, task

@task
def my_task():
    raise ValueError()

@flow
def my_flow():
    state = my_task(return_state=True)

    try:
        result = state.result()
    except ValueError:
        print("Oh no! The state raised the error!")

    return True

my_flow()
"""

FAIL_NO_RAISE = """
from prefect import flow, task

@task
def my_task():
    raise ValueError()

@flow
def my_flow():
    state = my_task(return_state=True)

    maybe_result = state.result(raise_on_failure=False)
    if isinstance(maybe_result, ValueError):
        print("Oh no! The task failed. Falling back to '1'.")
        result = 1
    else:
        result = maybe_result

    return result + 1

result = my_flow()
assert result == 2
"""

FAIL_FUTURE = """
from prefect import flow, task

@task
def my_task():
    raise ValueError()

@flow
def my_flow():
    future = my_task.submit()

    try:
        future.result()
    except ValueError:
        print("Ah! Futures will raise the failure as well.")

    # You can ask it not to raise the exception too
    maybe_result = future.result(raise_on_failure=False)
    print(f"Got {type(maybe_result)}")

    return True

my_flow()
"""


def test_a_task_exception_is_raised_in_the_flow_body(home, capsys):
    namespace = run_example(FAIL_CALL)
    assert "Oh no! The task failed.\n" in capsys.readouterr().out
    state = namespace["my_flow"](return_state=True)
    assert state.is_completed() and state.result() is True


def test_a_failed_state_is_checked_without_raising(home, capsys):
    assert run_example(FAIL_STATE_CHECK)["result"] == 2
    assert "Oh no! The task failed. Falling back to '1'.\n" in capsys.readouterr().out


def test_result_of_a_failed_state_raises_the_task_exception(home, capsys):
    run_example(FAIL_STATE_RAISE)
    assert "Oh no! The state raised the error!\n" in capsys.readouterr().out


def test_raise_on_failure_false_returns_the_exception(home, capsys):
    assert run_example(FAIL_NO_RAISE)["result"] == 2
    assert "Falling back to '1'." in capsys.readouterr().out


def test_future_result_raises_or_returns_the_exception(home, capsys):
    run_example(FAIL_FUTURE)
    out = capsys.readouterr().out
    assert "Ah! Futures will raise the failure as well.\n" in out
    assert "Got <class 'ValueError'>\n" in out


def test_failed_task_state_message_and_repr(home):
    namespace = run_example(FAIL_CALL)

    @namespace["flow"]
    def probe():
        return namespace["my_task"](return_state=True)

    inner = probe(return_state=True).data
    assert inner.message == "Task run encountered an exception: ValueError: \n"
    assert inner.type.value == "FAILED" and inner.is_failed() and inner.is_final()
    assert repr(inner).startswith("Failed(message='Task run encountered an exception: ")
    assert isinstance(inner.result(raise_on_failure=False), ValueError)


# -- Working with async results ------------------------------------------------------------

ASYNC_CALL = """
import asyncio
from prefect import flow, task

@task
async def my_task():
    return 1

@flow
async def my_flow():
    task_result = await my_task()
    return task_result + 1

result = asyncio.run(my_flow())
assert result == 2
"""

ASYNC_STATE = """
import asyncio
from prefect import flow, task

@task
async def my_task():
    return 1

@flow
async def my_flow():
    state = await my_task(return_state=True)
    result = await state.result(fetch=True)
    return result + 1

async def main():
    state = await my_flow(return_state=True)
    assert await state.result(fetch=True) == 2

asyncio.run(main())
"""

ASYNC_FUTURE = """
import asyncio
from prefect import flow, task

@task
async def my_task():
    return 1

@flow
async def my_flow():
    future = await my_task.submit()
    result = await future.result()
    return result + 1

result = asyncio.run(my_flow())
assert result == 2
"""


def test_async_flow_awaits_an_async_task(home):
    assert run_example(ASYNC_CALL)["result"] == 2


def test_async_state_result_with_fetch(home, recwarn):
    run_example(ASYNC_STATE)
    assert not [w for w in recwarn if w.category is DeprecationWarning]


def test_async_future_result(home):
    assert run_example(ASYNC_FUTURE)["result"] == 2


# -- Persisting results -------------------------------------------------------------------

FLOW_RETRIES = """
from prefect import flow, task

@task
def my_task():
    return "hello world!"

@flow(retries=2)
def my_flow():
    # This task does not have persistence toggled off and it is needed for the flow feature,
    # so Prefect will persist its result at runtime
    my_task()
"""

CACHING = """
from prefect import flow, task
from datetime import timedelta

@task(cache_key_fn=lambda: "always", cache_expiration=timedelta(seconds=20))
def my_task():
    # This task uses caching so its result will be persisted by default
    return "hello world!"


@task
def my_other_task():
    ...

@flow
def my_flow():
    # This task uses a feature that requires result persistence
    my_task()

    # This task does not use a feature that requires result persistence and the
    # flow does not use any features that require task result persistence so its
    # result will not be persisted by default
    my_other_task()
"""

TOGGLES = """
from prefect import flow, task

@flow(persist_result=True)
def my_flow():
    # This flow will persist its result even if not necessary for a feature.
    ...

@task(persist_result=False)
def my_task():
    # This task will never persist its result.
    # If persistence needed for a feature, an error will be raised.
    ...
"""


def test_flow_retries_persist_task_results_not_the_flows(home):
    namespace = run_example(FLOW_RETRIES)
    state = namespace["my_flow"](return_state=True)
    # the flow returned None with a task run inside: its result is the task states
    assert state.message == "All states completed."
    (task_state,) = state.result()
    assert isinstance(task_state.data, PersistedResult)
    assert task_state.result() == "hello world!"
    docs = documents(home)
    assert len(docs) == 1  # the task's; the flow's own result is not persisted
    assert docs[0]["serializer"]["type"] == "pickle"
    assert list(docs[0]) == ["serializer", "data", "prefect_version"]
    assert (home / "storage" / task_state.data.storage_key).is_file()


def test_caching_with_a_key_function_taking_no_arguments(home):
    """2.6.9 calls the key with (context, parameters) and this example fails there
    (RESULTS_V2 §14); prefect-compat calls a key function without parameters as is."""
    namespace = run_example(CACHING)
    calls = []
    original = namespace["my_task"].fn
    namespace["my_task"].__dict__["run"] = lambda: calls.append(1) or original()
    first = namespace["my_flow"](return_state=True).result()
    second = namespace["my_flow"](return_state=True).result()
    assert [s.name for s in first] == ["Completed", "Completed"]
    assert [s.name for s in second] == ["Cached", "Completed"]
    assert calls == [1]  # the cached run did not call the function
    cached = second[0]
    assert cached.type.value == "COMPLETED" and cached.is_completed()
    assert str(cached) == "Cached(, type=COMPLETED)"
    assert cached.state_details.cache_key == "always"
    assert isinstance(cached.data, PersistedResult)
    assert cached.result() == "hello world!"
    # my_task persisted once; my_other_task (returning None) never writes
    assert [d["serializer"]["type"] for d in documents(home)] == ["pickle"]
    assert isinstance(first[1].data, LiteralResult)


def test_persistence_toggles(home):
    namespace = run_example(TOGGLES)
    state = namespace["my_flow"](return_state=True)
    assert state.is_completed()
    assert isinstance(state.data, LiteralResult) and state.result() is None
    assert documents(home) == []  # None is a literal: never written

    @namespace["flow"](retries=1)
    def retrying():
        return namespace["my_task"](return_state=True)

    inner = retrying(return_state=True).result()
    assert isinstance(inner.data, LiteralResult)  # None stays a literal, persisted or not
    assert documents(home) == []


def test_config_set_persist_by_default_persists_plain_tasks(tmp_path):
    """`prefect config set PREFECT_RESULTS_PERSIST_BY_DEFAULT=true`, then a later run."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT")}
    env["PREFECT_HOME"] = str(tmp_path)
    env["PREFECT__LOGGING__LEVEL"] = "ERROR"
    setting = subprocess.run(
        [sys.executable, "-m", "prefect_compat", "config", "set",
         "PREFECT_RESULTS_PERSIST_BY_DEFAULT=true"],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert setting.returncode == 0, setting.stderr
    assert "Set 'PREFECT_RESULTS_PERSIST_BY_DEFAULT' to 'true'." in setting.stdout
    script = textwrap.dedent(
        """
        import prefect_compat
        prefect_compat.install_alias()
        from prefect import flow, task

        @task
        def my_task():
            return 41

        @flow
        def my_flow():
            return my_task() + 1

        print(my_flow())
        """
    )
    run = subprocess.run(
        [sys.executable, "-c", script],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "42"
    assert len(list((tmp_path / "storage").iterdir())) == 2  # the task's and the flow's


# -- Result storage location ------------------------------------------------------------------

STORAGE = """
from prefect import flow, task
from prefect.filesystems import LocalFileSystem, S3

@flow(persist_result=True)
def my_flow():
    my_task()  # This task will use the flow's result storage

@task(persist_result=True)
def my_task():
    ...

my_flow()  # The flow has no result storage configured and no parent, the local file system will be used.


# Reconfigure the flow to use a different storage type
new_flow = my_flow.with_options(result_storage=S3(bucket_path="my-bucket"))

new_flow()  # The flow and task within it will use S3 for result storage.
"""  # noqa: E501 - the seed's text, verbatim


def test_storage_example_local_then_s3(home, s3_server, s3_bucket, s3_admin, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL", s3_server)
    s3_admin.create_bucket(Bucket="my-bucket")
    before = {o["Key"] for o in s3_admin.list_objects_v2(Bucket="my-bucket").get("Contents", [])}
    namespace = run_example(STORAGE)
    # first call: local storage. The task returns None (a literal: not written); the
    # flow returns None with a task run inside, so it persists the list of task states
    docs = documents(home)
    assert len(docs) == 1
    assert namespace["new_flow"].name == namespace["my_flow"].name == "my-flow"
    assert namespace["my_flow"].result_storage is None  # the original keeps its storage
    listed = s3_admin.list_objects_v2(Bucket="my-bucket").get("Contents", [])
    written = [o["Key"] for o in listed if o["Key"] not in before]
    assert len(written) == 1
    body = json.loads(s3_admin.get_object(Bucket="my-bucket", Key=written[0])["Body"].read())
    assert list(body) == ["serializer", "data", "prefect_version"]
    assert len(documents(home)) == 1  # nothing more landed locally


# -- Caching of results in memory -------------------------------------------------------------

NOT_IN_MEMORY = """
@flow(cache_result_in_memory=False)
def foo():
    return "pretend this is large data"

@task(cache_result_in_memory=False)
def bar():
    return "pretend this is biiiig data"
"""

READ_FROM_STORAGE = """
@flow
def foo():
    result = bar()
    state = bar(return_state=True)

    # The result will be retrieved from storage here
    state.result()

    future = bar.submit()
    # The result will be retrieved from storage here
    future.result()

@task(cache_result_in_memory=False)
def bar():
    # This result will persisted
    return "pretend this is biiiig data"
"""

NOTHING_KEPT = """

@task(persist_result=False, cache_result_in_memory=False)
def bar():
    return "pretend this is biiiig data"

@flow
def foo():
    # Raises an error
    result = bar()

    # This is oaky
    state = bar(return_state=True)

    # Raises an error
    state.result()

    # This is okay
    future = bar.submit()

    # Raises an error
    future.result()
"""


def test_flow_not_cached_in_memory_persists_its_result(home):
    namespace = run_example(NOT_IN_MEMORY, IMPLICIT)
    assert namespace["foo"]() == "pretend this is large data"
    (doc,) = documents(home)
    assert doc["serializer"]["type"] == "pickle"


def test_task_not_cached_in_memory_reads_back_from_storage(home):
    namespace = run_example(READ_FROM_STORAGE, IMPLICIT)
    state = namespace["foo"](return_state=True)
    assert state.is_completed()
    runs = state.result()
    assert len(runs) == 3 and all(isinstance(s.data, PersistedResult) for s in runs)
    assert len(documents(home)) == 3  # one document per run, even for equal values

    # the state holds a reference, not the value: a document replaced before
    # result() is what comes back
    @namespace["flow"]
    def replaced():
        state = namespace["bar"](return_state=True)
        path = home / "storage" / state.data.storage_key
        doc = json.loads(path.read_text())
        doc["data"] = PickleSerializer().dumps("replaced").decode()
        path.write_text(json.dumps(doc))
        return state.result()

    assert replaced() == "replaced"


def test_no_persistence_and_no_memory_raises_missing_result(home):
    namespace = run_example(NOTHING_KEPT, IMPLICIT)
    with pytest.raises(MissingResult, match="^State data is missing"):
        namespace["foo"]()
    assert documents(home) == []

    @namespace["flow"]
    def okay_parts():
        state = namespace["bar"](return_state=True)
        future = namespace["bar"].submit()
        return state, future.wait()

    state, waited = okay_parts()
    assert state.is_completed() and state.data is None
    assert waited.is_completed() and waited.data is None
    with pytest.raises(MissingResult):
        state.result()
    assert documents(home) == []


# -- Serializers and result types ---------------------------------------------------------------

PICKLE_LIB = """
from prefect.serializers import PickleSerializer

PickleSerializer(picklelib="custompickle")
"""

JSON_LIB = """
from prefect.serializers import JSONSerializer

JSONSerializer(jsonlib="orjson")
"""


def test_pickle_serializer_with_a_missing_library_is_refused():
    with pytest.raises(ValueError, match="custompickle"):
        run_example(PICKLE_LIB)


def test_json_serializer_with_orjson_constructs():
    run_example(JSON_LIB)


def test_literal_result_json():
    namespace = run_example(
        "from prefect.results import LiteralResult\n"
        "result = LiteralResult(value=None)\n"
        "text = result.json()\n"
    )
    # the seed shows {"type": "result", "value": "null"}; 2.6.9 writes this (§14)
    assert namespace["text"] == '{"type": "literal", "value": null}'


def test_async_flow_state_result_warns_without_fetch(home):
    namespace = run_example(ASYNC_CALL)

    async def main():
        state = await namespace["my_flow"](return_state=True)
        with pytest.warns(DeprecationWarning, match=r"^State.result\(\) was called from an async"):
            raw = state.result()
        return raw

    assert asyncio.run(main()) == 2
