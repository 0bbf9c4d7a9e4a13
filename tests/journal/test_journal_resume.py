"""`flow.run(resume=...)`: which task runs start from their checkpoints, and bad input."""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import time

import pytest

import prefect_compat as prefect
from prefect_compat import Flow, Parameter, task
from prefect_compat._journal import store
from prefect_compat._journal.resume import ResumeError
from prefect_compat.engine import signals
from prefect_compat.engine.results import LocalResult
from prefect_compat.utilities.configuration import set_temporary_config


class Calls:
    """What the task bodies of a test flow ran, and whether the next run fails on purpose."""

    def __init__(self) -> None:
        self.ran: list[str] = []
        self.fail: set[str] = set()


def pipeline(results, calls, name="pipeline"):
    """numbers -> square.map -> total, each checkpointed under `results`."""
    where = LocalResult(dir=str(results), location="{flow_run_id}/{task_full_name}.pkl")

    @task(result=where)
    def numbers(n):
        calls.ran.append("numbers")
        return list(range(1, n + 1))

    @task(result=where)
    def square(x):
        calls.ran.append(f"square[{x - 1}]")
        if f"square[{x - 1}]" in calls.fail:
            raise ValueError(f"square of {x} fails this time")
        return x * x

    @task(result=where)
    def total(values):
        calls.ran.append("total")
        return sum(values)

    with Flow(name) as flow:
        n = Parameter("n", default=5)
        result = total(square.map(numbers(n)))
    return flow, result


def test_resume_last_runs_only_what_did_not_succeed(journal):
    calls = Calls()
    flow, total = pipeline(journal.results, calls)
    calls.fail = {"square[2]"}
    assert flow.run().is_failed()
    first = journal.last()
    calls.ran.clear()
    calls.fail.clear()
    state = flow.run(resume="last")
    assert state.is_successful()
    assert state.result[total].result == 1 + 4 + 9 + 16 + 25
    assert calls.ran == ["square[2]", "total"]
    second = journal.last()
    assert second.resumed_from == first.id
    runs = journal.task_runs(second)
    assert runs["square-1[0]"]["origin"] == first.id
    assert runs["square-1[2]"]["origin"] is None  # ran in this run
    assert runs["total-1"]["state"] == "Success"


def test_a_resumed_value_is_read_only_when_a_downstream_task_needs_it(journal, monkeypatch):
    calls = Calls()
    flow, total = pipeline(journal.results, calls)
    calls.fail = {"square[4]"}
    flow.run()
    reads = []
    real_read = LocalResult.read

    def counting_read(self, location):
        reads.append(os.path.basename(location))
        return real_read(self, location)

    monkeypatch.setattr(LocalResult, "read", counting_read)
    calls.fail.clear()
    state = flow.run(resume="last")
    assert state.is_successful()
    # total needs every square; square[4] needs numbers' list to slice its input
    squares = [f"square[{i}].pkl" for i in range(4)]
    assert sorted(reads) == ["numbers.pkl", *squares]
    reads.clear()
    calls.ran.clear()
    again = flow.run(resume="last")  # everything succeeded: nothing runs, nothing is read
    assert calls.ran == [] and reads == []
    assert again.result[total].result == 55  # read now, when asked
    assert reads == ["total.pkl"]


def test_parameters_default_to_the_resumed_runs(journal):
    calls = Calls()
    flow, total = pipeline(journal.results, calls)
    calls.fail = {"square[0]"}
    flow.run(parameters={"n": 3})
    calls.fail.clear()
    state = flow.run(resume="last")
    assert state.result[total].result == 1 + 4 + 9
    assert journal.last().params() == {"n": 3}


def test_a_changed_parameter_reruns_everything_downstream_of_it(journal):
    calls = Calls()
    flow, total = pipeline(journal.results, calls)
    calls.fail = {"square[0]"}
    flow.run(parameters={"n": 3})
    calls.fail.clear()
    calls.ran.clear()
    state = flow.run(resume="last", n=4)
    assert state.result[total].result == 1 + 4 + 9 + 16
    assert sorted(calls.ran) == ["numbers", *(f"square[{i}]" for i in range(4)), "total"]
    assert journal.last().params() == {"n": 4}


def test_a_fan_out_whose_upstream_now_gives_more_items_runs_again(journal, caplog):
    items = [1, 2, 3]
    ran = []

    @task(checkpoint=False)
    def listing():
        return list(items)

    @task(result=LocalResult(dir=str(journal.results), location="{flow_run_id}-{map_index}"))
    def work(x):
        ran.append(x)
        if x == 2 and len(items) == 3:
            raise ValueError("fails the first time")
        return x * 10

    @task
    def collect(values):
        return values

    with Flow("growing") as flow:
        out = collect(work.map(listing()))
    flow.run()
    items.append(4)
    ran.clear()
    with caplog.at_level(logging.WARNING):
        state = flow.run(resume="last")
    assert state.result[out].result == [10, 20, 30, 40]
    assert ran == [1, 2, 3, 4]
    assert any("now gives 4 items where run" in r.getMessage() for r in caplog.records)


def test_a_deleted_checkpoint_runs_again(journal, caplog):
    calls = Calls()
    flow, total = pipeline(journal.results, calls)
    calls.fail = {"square[4]"}
    flow.run()
    (journal.results / journal.last().id / "square[1].pkl").unlink()
    calls.fail.clear()
    calls.ran.clear()
    with caplog.at_level(logging.INFO, logger="prefect.Journal"):
        state = flow.run(resume="last")
    assert state.result[total].result == 55
    assert sorted(calls.ran) == ["square[1]", "square[4]", "total"]
    messages = [r.getMessage() for r in caplog.records if r.name == "prefect.Journal"]
    assert any("'square-1[1]'" in m and "missing" in m for m in messages)


def test_a_checkpoint_rewritten_since_runs_again(journal, caplog):
    calls = Calls()
    flow, total = pipeline(journal.results, calls)
    calls.fail = {"square[4]"}
    flow.run()
    path = journal.results / journal.last().id / "square[1].pkl"
    path.write_bytes(b"garbage written later")
    calls.fail.clear()
    calls.ran.clear()
    with caplog.at_level(logging.WARNING, logger="prefect.Journal"):
        state = flow.run(resume="last")
    assert state.result[total].result == 55
    assert sorted(calls.ran) == ["square[1]", "square[4]", "total"]
    assert any("changed since" in r.getMessage() for r in caplog.records)


def test_a_corrupt_checkpoint_found_when_read_runs_its_task_again(journal, caplog):
    """Same size and mtime as recorded, but unreadable: found when `total` needs it."""
    calls = Calls()
    flow, total = pipeline(journal.results, calls)
    calls.fail = {"square[4]"}
    flow.run()
    path = journal.results / journal.last().id / "square[1].pkl"
    info = path.stat()
    path.write_bytes(b"\x00" * info.st_size)
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    calls.fail.clear()
    calls.ran.clear()
    with caplog.at_level(logging.WARNING, logger="prefect.Journal"):
        state = flow.run(resume="last")
    assert state.is_successful(), state
    assert state.result[total].result == 55
    assert sorted(calls.ran) == ["square[1]", "square[4]", "total"]
    lost = [r.getMessage() for r in caplog.records if "cannot be read" in r.getMessage()]
    assert lost and "square[1]" in lost[0]


def test_a_corrupt_plain_upstream_is_rerun_before_its_mapped_task(journal):
    calls = Calls()
    flow, total = pipeline(journal.results, calls)
    calls.fail = {"square[4]"}
    flow.run()
    path = journal.results / journal.last().id / "numbers.pkl"
    info = path.stat()
    path.write_bytes(b"\x01" * info.st_size)
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns))
    calls.fail.clear()
    calls.ran.clear()
    state = flow.run(resume="last")
    assert state.is_successful(), state
    assert state.result[total].result == 55
    assert calls.ran[0] == "numbers" and "square[4]" in calls.ran


def test_tasks_without_a_checkpoint_run_again(journal):
    calls = []

    @task(checkpoint=False)
    def unsaved():
        calls.append("unsaved")
        return 1

    @task(result=LocalResult(dir=str(journal.results), location="saved.pkl"))
    def saved(x):
        calls.append("saved")
        return x + 1

    @task
    def boom(x):
        calls.append("boom")
        raise ValueError("always")

    with Flow("partly-saved") as flow:
        boom(saved(unsaved()))
    flow.run()
    calls.clear()
    flow.run(resume="last")
    assert calls == ["unsaved", "boom"]  # saved's checkpoint stands; unsaved had none


def test_with_checkpointing_off_nothing_is_resumed(journal):
    calls = Calls()
    flow, _ = pipeline(journal.results, calls)
    with set_temporary_config({"flows.checkpointing": False}):
        flow.run()
        calls.ran.clear()
        flow.run(resume="last")
    assert len(calls.ran) == 7


def test_a_changed_graph_is_refused_naming_the_tasks(journal):
    calls = Calls()
    flow, total = pipeline(journal.results, calls)
    calls.fail = {"square[0]"}
    flow.run()

    @task
    def extra(x):
        return x

    flow.add_edge(flow.get_tasks(name="numbers")[0], extra, key="x")
    flow.set_dependencies(total, upstream_tasks=[extra])
    with pytest.raises(ResumeError) as info:
        flow.run(resume="last")
    message = str(info.value)
    assert "\n" not in message
    assert "the flow changed since" in message
    assert "added 'extra-1'" in message and "rewired 'total-1'" in message
    assert "--force" in message


def test_force_resumes_the_task_runs_that_still_match(journal):
    calls = Calls()
    flow, total = pipeline(journal.results, calls)
    calls.fail = {"square[0]"}
    flow.run()

    @task
    def extra(x):
        calls.ran.append("extra")
        return x

    flow.add_edge(total, extra, key="x")
    calls.fail.clear()
    calls.ran.clear()
    state = flow.run(resume="last", force_resume=True)
    assert state.is_successful()
    assert calls.ran == ["square[0]", "total", "extra"]


def test_a_removed_task_is_named(journal):
    calls = Calls()
    flow, total = pipeline(journal.results, calls)
    flow.run()
    flow.tasks.discard(total)  # a flow without `total`
    flow = Flow("pipeline", tasks=[t for t in flow.tasks if t is not total], edges=[
        e for e in flow.edges if total not in (e.upstream_task, e.downstream_task)
    ])  # fmt: skip
    with pytest.raises(ResumeError, match=r"removed 'total-1'"):
        flow.run(resume="last")


def test_resume_by_id_and_by_prefix(journal):
    calls = Calls()
    flow, total = pipeline(journal.results, calls)
    calls.fail = {"square[0]"}
    flow.run()
    first = journal.last()
    flow.run()  # fails again: a newer run
    calls.fail.clear()
    calls.ran.clear()
    flow.run(resume=first.id[:8])
    assert calls.ran == ["square[0]", "total"]
    assert journal.last().resumed_from == first.id


def test_a_resumed_run_can_be_resumed_again(journal):
    calls = Calls()
    flow, total = pipeline(journal.results, calls)
    calls.fail = {"square[0]", "square[1]"}
    flow.run()
    first = journal.last()
    calls.fail = {"square[1]"}
    flow.run(resume="last")
    calls.fail.clear()
    calls.ran.clear()
    state = flow.run(resume="last")
    assert state.result[total].result == 55
    assert calls.ran == ["square[1]", "total"]
    runs = journal.task_runs()
    assert runs["square-1[2]"]["origin"] == first.id  # where it actually ran


def test_unknown_run_id(journal):
    calls = Calls()
    flow, _ = pipeline(journal.results, calls)
    flow.run()
    with pytest.raises(ResumeError) as info:
        flow.run(resume="0000-no-such-run")
    assert str(info.value) == (
        f"no run with id '0000-no-such-run' in the run journal at '{journal.path}'; "
        "list recorded runs with: prefect-compat runs ls"
    )


def test_a_run_of_another_flow(journal):
    calls = Calls()
    flow, _ = pipeline(journal.results, calls, name="first-flow")
    flow.run()
    other_id = journal.last().id
    other, _ = pipeline(journal.results, calls, name="second-flow")
    with pytest.raises(ResumeError) as info:
        other.run(resume=other_id)
    assert str(info.value) == (
        f"run {other_id} is a run of flow 'first-flow', not of flow 'second-flow'; list this "
        "flow's runs with: prefect-compat runs ls --flow 'second-flow'"
    )
    with pytest.raises(ResumeError, match=r"^no run of flow 'second-flow' in the run journal"):
        other.run(resume="last")


def test_no_journal(journal):
    calls = Calls()
    flow, _ = pipeline(journal.results, calls)
    with pytest.raises(ResumeError) as info:
        flow.run(resume="last")
    assert str(info.value) == (
        f"cannot resume flow 'pipeline': there is no run journal at '{journal.path}' (no flow "
        "run has been recorded there; the file is set by journal.path); list recorded runs "
        "with: prefect-compat runs ls"
    )


def test_journal_switched_off(journal):
    calls = Calls()
    flow, _ = pipeline(journal.results, calls)
    with set_temporary_config({"journal.enabled": False}):
        with pytest.raises(ResumeError, match=r"the run journal is switched off"):
            flow.run(resume="last")


def test_a_corrupt_journal_says_why_it_cannot_be_read(journal):
    journal.path.write_bytes(b"garbage " * 1000)
    calls = Calls()
    flow, _ = pipeline(journal.results, calls)
    with pytest.raises(ResumeError) as info:
        flow.run(resume="last")
    assert "cannot be read: file is not a database" in str(info.value)


def test_a_run_still_in_progress_is_not_resumed(journal):
    calls = Calls()
    flow, _ = pipeline(journal.results, calls)
    flow.run()
    run = journal.last()
    journal.sql("SELECT 1")
    conn = sqlite3.connect(str(journal.path))
    conn.execute(
        "UPDATE flow_runs SET ended = NULL, heartbeat = ?, pid = ?, host = ? WHERE num = ?",
        (time.time(), os.getpid(), store.HOST, run.num),
    )
    conn.commit()
    conn.close()
    with pytest.raises(ResumeError, match=r"is still running \(pid \d+ on "):
        flow.run(resume=run.id)


def test_a_loop_resumes_after_its_last_recorded_iteration(journal, monkeypatch):
    """A LOOP task whose process died mid-loop (its last record a Looped iteration)."""
    seen = []

    @task(result=LocalResult(dir=str(journal.results), location="loop-{task_loop_count}.pkl"))
    def paginate():
        count = prefect.context.get("task_loop_count", 1)
        seen.append((count, prefect.context.get("task_loop_result")))
        if count < 5:
            raise signals.LOOP(result=count * 10)
        return "done"

    with Flow("pages") as flow:
        paginate()
    flow.run()
    run = journal.last()
    # make the record look like the process died after iteration 3
    conn = sqlite3.connect(str(journal.path))
    conn.execute("DELETE FROM task_batches WHERE run = ?", (run.num,))
    location = str(journal.results / "loop-3.pkl")
    stat = os.stat(location)
    result = json.dumps(
        {
            "location": location,
            "dir": str(journal.results),
            "__version__": "1.4.1",
            "type": "LocalResult",
        }
    )
    entry = [0, -1, "Looped", store.KIND_LOOPED, "Task is looping (3)", 3, None, result,
             "PickleSerializer", f"{stat.st_size}:{stat.st_mtime_ns}", None]  # fmt: skip
    conn.execute("INSERT INTO task_batches VALUES (?, 0, ?)", (run.num, json.dumps([entry])))
    conn.execute("UPDATE flow_runs SET ended = NULL, heartbeat = 0 WHERE num = ?", (run.num,))
    conn.commit()
    conn.close()
    seen.clear()
    assert flow.run(resume=run.id).is_successful()
    assert seen == [(4, 30), (5, 40)]


def test_a_parameter_is_never_resumed(journal):
    calls = Calls()
    flow, _ = pipeline(journal.results, calls)
    calls.fail = {"square[0]"}
    flow.run()
    calls.fail.clear()
    plan = _journal_plan(flow)
    assert {task.name for task in plan.task_states} == {"numbers", "square"}


def _journal_plan(flow):
    from prefect_compat import _journal

    return _journal.prepare_resume(flow, "last", False, {})


def test_resume_with_a_process_executor(journal):
    """Resumed states cross to worker processes unread; the workers read what they need."""
    from prefect_compat.executors import LocalDaskExecutor

    calls = Calls()
    flow, total = pipeline(journal.results, calls)
    calls.fail = {"square[2]"}
    assert flow.run(executor=LocalDaskExecutor(scheduler="threads")).is_failed()
    calls.fail.clear()
    state = flow.run(resume="last", executor=LocalDaskExecutor(scheduler="processes"))
    assert state.is_successful()
    assert state.result[total].result == 55
    assert journal.task_runs()["square-1[2]"]["origin"] is None
    assert journal.task_runs()["square-1[1]"]["origin"] == journal.runs()[1].id


def test_a_keyed_and_an_unkeyed_edge_between_two_tasks_are_journaled_and_resumed(journal, caplog):
    """Both edges a -> b (`b(a, upstream_tasks=[a])`): the shape sorts them (it used to
    compare None with a key and switch the journal off for the run)."""
    where = LocalResult(dir=str(journal.results), location="{flow_run_id}/{task_full_name}.pkl")
    ran = []

    @task(result=where)
    def a():
        ran.append("a")
        return 2

    @task(result=where)
    def b(x):
        ran.append("b")
        if len(ran) < 3:
            raise ValueError("first time")
        return x * 10

    with Flow("both-edges") as flow:
        up = a()
        down = b(up, upstream_tasks=[up])
    assert sorted(str(e.key) for e in flow.edges) == ["None", "x"]
    with caplog.at_level(logging.WARNING, logger="prefect"):
        assert flow.run().is_failed()
    assert not [r for r in caplog.records if "journal is off" in r.getMessage()]
    assert json.loads(journal.last().shape)["edges"] == [
        ["a-1", "b-1", None, False, False],
        ["a-1", "b-1", "x", False, False],
    ]
    state = flow.run(resume="last")
    assert state.is_successful() and state.result[down].result == 20
    assert ran == ["a", "b", "b"]
