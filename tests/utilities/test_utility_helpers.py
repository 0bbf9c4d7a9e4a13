"""Small public helpers from `prefect.utilities.*`, checked against values seen on Prefect 1.4.1."""

from __future__ import annotations

import datetime
import logging
import threading
import time

import pytest

from prefect_compat.engine.state import Failed, Mapped, Success
from prefect_compat.exceptions import NoBackendError, TaskTimeoutSignal
from prefect_compat.utilities import (
    collections,
    compatibility,
    datetimes,
    debug,
    executors,
    importtools,
)
from prefect_compat.utilities import logging as plogging
from prefect_compat.utilities.collections import CompoundKey, DotDict


def test_retry_delay_fixed_and_exponential():
    fixed = datetimes.retry_delay(datetime.timedelta(seconds=5))
    assert [fixed(n) for n in range(3)] == [datetime.timedelta(seconds=5)] * 3
    backoff = datetimes.retry_delay(
        datetime.timedelta(seconds=5),
        exponential_backoff=True,
        max_delay=datetime.timedelta(seconds=30),
    )
    assert [backoff(n).total_seconds() for n in range(7)] == [5, 5, 5, 10, 20, 30, 30]
    assert datetimes.retry_delay(minutes=1, exponential_backoff=True)(10) == datetime.timedelta(
        hours=2
    )
    assert datetimes.retry_delay(seconds=3)(1) == datetime.timedelta(seconds=3)
    with pytest.raises(ValueError, match="Provide either an interval or interval keywords."):
        datetimes.retry_delay()
    with pytest.raises(ValueError, match="Provide an interval or interval keywords, but not both."):
        datetimes.retry_delay(datetime.timedelta(seconds=5), minutes=1)


def test_flatdict_round_trip_and_compound_keys():
    nested = {"a": {"b": 1, "c": {"d": 2}}, "e": 3, "empty": {}}
    flat = collections.dict_to_flatdict(nested)
    assert flat == {("a", "b"): 1, ("a", "c", "d"): 2, ("e",): 3}
    assert all(type(k) is CompoundKey for k in flat)
    assert collections.flatdict_to_dict(flat) == {"a": {"b": 1, "c": {"d": 2}}, "e": 3}
    # plain keys and plain tuples are kept; DotDict values are not descended into (as Prefect)
    assert collections.flatdict_to_dict({"a": 1, CompoundKey(("b", "c")): 2, ("x", "y"): 3}) == {
        "a": 1,
        "b": {"c": 2},
        ("x", "y"): 3,
    }
    inner = DotDict(b=1)
    assert collections.dict_to_flatdict(DotDict(a=inner)) == {("a",): inner}
    as_dotdict = collections.flatdict_to_dict({CompoundKey(("a", "b")): 1}, dct_class=DotDict)
    assert isinstance(as_dotdict, DotDict) and as_dotdict.a.b == 1


def test_is_serializable():
    assert debug.is_serializable({"a": [1, 2]}) is True
    assert debug.is_serializable(lambda x: x) is True  # cloudpickle handles lambdas
    assert debug.is_serializable(threading.Lock()) is False
    with pytest.raises(TypeError, match="cannot pickle '_thread.lock' object"):
        debug.is_serializable(threading.Lock(), raise_on_error=True)


def test_redirect_to_log_logs_non_blank_writes(caplog):
    redirect = plogging.RedirectToLog()
    assert redirect.stdout_logger.name == "prefect.stdout"
    with caplog.at_level(logging.INFO, logger="prefect.stdout"):
        redirect.write("hello\n")
        redirect.write("   \n")
        redirect.flush()
    assert [r.getMessage() for r in caplog.records if r.name == "prefect.stdout"] == ["hello\n"]


def test_temporary_logger_config_changes_and_restores_level_and_format():
    root = plogging.get_logger()
    level, formatters = root.level, [h.formatter for h in root.handlers]
    record = logging.LogRecord("prefect", logging.DEBUG, __file__, 1, "hello", None, None)
    with plogging.temporary_logger_config(level="DEBUG", stream_fmt="TMP %(message)s") as logger:
        assert logger is root and root.level == logging.DEBUG
        assert [h.format(record) for h in root.handlers if h.formatter] == ["TMP hello"]
    assert (root.level, [h.formatter for h in root.handlers]) == (level, formatters)
    assert [h.format(record) for h in root.handlers if h.formatter] != ["TMP hello"]


def test_log_constants_and_inert_cloud_pieces():
    assert plogging.getlogsize({"message": "abc", "level": "INFO"}) == 301
    assert plogging.getlogsize({}) == plogging.LOG_OVERHEAD == 298
    assert plogging.PREFECT_LOG_RECORD_ATTRIBUTES == (
        "flow_name",
        "flow_run_id",
        "task_name",
        "task_slug",
        "task_run_id",
    )
    assert plogging.LOG_MANAGER.enqueue({"message": "x"}) is None
    assert plogging.create_diagnostic_logger("Diag").level == logging.INFO
    assert isinstance(plogging.CloudHandler(), logging.Handler)


def test_import_object_resolves_prefect_paths_here():
    from prefect_compat.engine.state import Success as S

    assert importtools.import_object("prefect.engine.state.Success") is S
    assert importtools.import_object("prefect_compat.engine.state").Success is S
    with pytest.raises(ModuleNotFoundError, match="No module named 'nope'"):
        importtools.import_object("nope.x")


def test_compatibility_keeps_nullcontext():
    with compatibility.nullcontext(5) as value:
        assert value == 5


# -- executors ---------------------------------------------------------------------------------


def _slow(seconds):
    time.sleep(seconds)
    return seconds


def test_thread_timeout_returns_raises_and_times_out():
    assert executors.run_with_thread_timeout(_slow, args=(0.01,), timeout=5) == 0.01
    assert executors.run_with_thread_timeout(_slow, kwargs={"seconds": 0}) == 0
    with pytest.raises(TaskTimeoutSignal, match=r"^Execution timed out for slowfn\.$"):
        executors.run_with_thread_timeout(_slow, args=(5,), timeout=0.05, name="slowfn")
    with pytest.raises(ZeroDivisionError):
        executors.run_with_thread_timeout(lambda: 1 / 0, timeout=5)


def test_multiprocess_timeout_runs_in_a_child_and_stops_it():
    assert executors.run_with_multiprocess_timeout(_slow, args=(0.01,), timeout=60) == 0.01
    with pytest.raises(TaskTimeoutSignal, match="Execution timed out for sleeper"):
        executors.run_with_multiprocess_timeout(_slow, args=(30,), timeout=3, name="sleeper")


def test_run_task_with_timeout_uses_the_tasks_timeout():
    from prefect_compat import task

    @task(timeout=1)
    def add_one(x):
        return x + 1

    assert executors.run_task_with_timeout(add_one, args=(1,)) == 2
    assert executors.run_task_with_timeout(add_one, kwargs={"x": 2}) == 3


def test_tail_recursive_runs_deep_recursion_flat():
    @executors.tail_recursive
    def countdown(n):
        if n > 0:
            raise executors.RecursiveCall(countdown, n - 1)
        return "done"

    assert countdown(50_000) == "done"


def test_heartbeats_are_inert_locally():
    class Runner:
        @executors.run_with_heartbeat
        def run(self, x):
            return x * 2

    assert Runner().run(4) == 8
    with executors.no_heartbeat(), executors.threaded_heartbeat("id"):
        pass
    stop = threading.Event()
    beat = executors.HeartbeatThread(stop, "flow-run-id")
    beat.start()
    stop.set()
    beat.join(5)
    assert not beat.is_alive()
    with pytest.raises(NoBackendError, match="send_heartbeat"):
        executors.send_heartbeat("id", None, logging.getLogger("x"))


def test_flatten_helpers():
    nested = Success(result=[[1, 2], [3]])
    assert executors.flatten_upstream_state(nested).result == [1, 2, 3]
    assert nested.result == [[1, 2], [3]]  # the original is untouched
    assert executors.flatten_upstream_state(Failed(result=[[1], [2]])).result == [1, 2]
    flat = Success(result=[1, 2])
    assert executors.flatten_upstream_state(flat) is flat
    mapped = Mapped(map_states=[Success(result=1)])
    assert executors.flatten_upstream_state(mapped) is mapped
    children = executors.flatten_mapped_children(
        [Success(result=[1, 2]), Success(result=[3])], None
    )
    assert [type(s) for s in children] == [Success] * 3
    assert [s.result for s in children] == [1, 2, 3]


def test_prepare_upstream_states_for_mapping_pairs_items_by_index():
    from prefect_compat.core.edge import Edge
    from prefect_compat.core.task import Task

    a, b, down = Task(name="a"), Task(name="b"), Task(name="down")
    mapped_edge = Edge(a, down, key="x", mapped=True)
    plain_edge = Edge(b, down, key="y")
    constant = Success(result="same")
    per_child = executors.prepare_upstream_states_for_mapping(
        Success(), {mapped_edge: Success(result=[10, 20]), plain_edge: constant}, {}, None
    )
    assert [d[mapped_edge].result for d in per_child] == [10, 20]
    assert all(d[plain_edge] is constant for d in per_child)
