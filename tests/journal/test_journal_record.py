"""What the run journal records, and that it never breaks a flow run."""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import subprocess
import sys
import textwrap
from datetime import timedelta

import pytest

import prefect_compat as prefect
from prefect_compat import Flow, Parameter, _journal, task
from prefect_compat._journal import batch, store
from prefect_compat.engine import signals
from prefect_compat.engine.results import LocalResult
from prefect_compat.executors import LocalDaskExecutor
from prefect_compat.utilities.configuration import set_temporary_config


def mapped_flow(results, name="journaled"):
    @task
    def numbers(n):
        return list(range(n))

    @task(result=LocalResult(dir=str(results), location="{task_name}-{map_index}.pkl"))
    def double(x):
        if x == 2:
            raise ValueError("two is bad")
        return x * 2

    with Flow(name, result=LocalResult(dir=str(results))) as flow:
        n = Parameter("n", default=4)
        double.map(numbers(n))
    return flow


def test_a_flow_run_and_its_task_runs_are_recorded(journal):
    flow = mapped_flow(journal.results)
    state = flow.run(parameters={"n": 4})
    run = journal.last()
    assert (run.flow_name, run.state, run.message) == (
        "journaled",
        "Failed",
        "Some reference tasks failed.",
    )
    assert run.id == str(state.context.get("flow_run_id") or run.id)
    assert run.params() == {"n": 4}
    assert run.ended is not None and run.ended >= run.started
    assert run.status() == "Failed"
    assert json.loads(run.shape)["tasks"] == ["n", "numbers-1", "double-1"]
    runs = journal.task_runs(run)
    assert sorted(runs) == [
        "double-1",
        "double-1[0]",
        "double-1[1]",
        "double-1[2]",
        "double-1[3]",
        "n",
        "numbers-1",
    ]
    assert runs["double-1"]["state"] == "Mapped" and runs["double-1"]["n_map"] == 4
    assert runs["double-1[2]"]["state"] == "Failed"
    assert "two is bad" in runs["double-1[2]"]["message"]
    assert runs["double-1[2]"]["result"] is None
    child = runs["double-1[3]"]
    recorded = json.loads(child["result"])
    assert recorded["type"] == "LocalResult"
    assert recorded["location"] == str(journal.results / "double-3.pkl")
    assert child["serializer"] == "PickleSerializer"
    stat = os.stat(recorded["location"])
    assert child["stamp"] == f"{stat.st_size}:{stat.st_mtime_ns}"
    assert "value" not in recorded  # where it is, never the value


def test_counts_of_a_recorded_run(journal):
    mapped_flow(journal.results).run()
    _journal.flush()
    conn = store.open_read(str(journal.path))
    try:
        run = store.list_runs(conn)[0]
        assert store.counts(conn, [run])[run.num] == (5, 1, 0)  # n, numbers, 3 children ok
    finally:
        conn.close()


def test_a_retried_task_run_keeps_its_final_state(journal):
    calls = []

    @task(max_retries=1, retry_delay=timedelta(seconds=0))
    def flaky():
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("first try fails")
        return "ok"

    with Flow("retried") as flow:
        flaky()
    assert flow.run().is_successful()
    assert len(calls) == 2
    assert journal.task_runs()["flaky-1"]["state"] == "Success"


def test_loop_iterations_are_counted(journal):
    @task
    def count_up():
        loop = prefect.context.get("task_loop_count", 1)
        if loop < 4:
            raise signals.LOOP(result=loop)
        return loop

    with Flow("looping") as flow:
        count_up()
    assert flow.run().is_successful()
    record = journal.task_runs()["count_up-1"]
    assert (record["state"], record["loop_count"]) == ("Success", 3)


def test_runs_of_a_deferred_executor_are_recorded_when_the_pass_ends(journal):
    @task
    def square(x):
        return x * x

    with Flow("threaded") as flow:
        square.map([1, 2, 3])
    assert flow.run(executor=LocalDaskExecutor(scheduler="threads")).is_successful()
    runs = journal.task_runs()
    assert [runs[f"square-1[{i}]"]["state"] for i in range(3)] == ["Success"] * 3
    assert journal.last().state == "Success"


def test_switched_off_nothing_is_written(journal):
    @task
    def one():
        return 1

    with Flow("unrecorded") as flow:
        one()
    with set_temporary_config({"journal.enabled": False}):
        assert flow.run().is_successful()
    _journal.flush()
    assert not journal.path.exists()


def test_switched_off_by_environment_variable(tmp_path):
    code = textwrap.dedent(
        """
        from prefect_compat import Flow, task

        @task
        def one():
            return 1

        with Flow("unrecorded") as flow:
            one()
        print(flow.run().is_successful())
        """
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT__")}
    env.update(PREFECT__HOME_DIR=str(tmp_path), PREFECT__JOURNAL__ENABLED="false")
    run = [sys.executable, "-c", code]
    proc = subprocess.run(run, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert proc.stdout.splitlines()[-1] == "True", proc.stderr
    assert not (tmp_path / "journal.db").exists()
    env["PREFECT__JOURNAL__ENABLED"] = "true"
    proc = subprocess.run(run, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert proc.stdout.splitlines()[-1] == "True", proc.stderr
    assert (tmp_path / "journal.db").exists()


def _one_task_flow(name="sturdy"):
    @task
    def one():
        return 1

    with Flow(name) as flow:
        one()
    return flow


def _journal_warnings(caplog):
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "prefect.Journal" and r.levelno == logging.WARNING
    ]


def test_a_corrupt_journal_leaves_the_flow_running_with_one_warning(journal, caplog):
    journal.path.write_bytes(b"this is not an SQLite database, just some text" * 100)
    with caplog.at_level(logging.WARNING, logger="prefect.Journal"):
        state = _one_task_flow().run()
        _journal.flush()
    assert state.is_successful()
    (warning,) = _journal_warnings(caplog)
    assert "is off for this run of flow 'sturdy'" in warning
    assert str(journal.path) in warning
    assert "not a database" in warning
    assert journal.path.read_bytes().startswith(b"this is not an SQLite database")


def test_a_locked_journal_leaves_the_flow_running_with_one_warning(journal, caplog, monkeypatch):
    store.connect(str(journal.path)).close()  # the file exists, with its tables
    monkeypatch.setattr(store, "BUSY_TIMEOUT", 0.2)
    holder = sqlite3.connect(str(journal.path), isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another process's write that never ends
    try:
        with caplog.at_level(logging.WARNING, logger="prefect.Journal"):
            state = _one_task_flow("locked-out").run()
            _journal.flush()
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert state.is_successful()
    (warning,) = _journal_warnings(caplog)
    assert "is off for this run of flow 'locked-out'" in warning
    assert "locked" in warning
    assert journal.runs() == []


def test_an_unwritable_journal_path_leaves_the_flow_running(tmp_path, caplog):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    with set_temporary_config({"journal.path": str(blocker / "journal.db")}):
        with caplog.at_level(logging.WARNING, logger="prefect.Journal"):
            state = _one_task_flow("nowhere").run()
            _journal.flush()
    assert state.is_successful()
    (warning,) = _journal_warnings(caplog)
    assert "is off for this run of flow 'nowhere'" in warning


def test_a_message_that_is_not_text_is_stored_as_text(journal):
    @task
    def odd():
        raise signals.SUCCESS(message=["not", "a", "string"])

    with Flow("odd-message") as flow:
        odd()
    assert flow.run().is_successful()
    assert journal.task_runs()["odd-1"]["message"] == "['not', 'a', 'string']"


def test_retention_keeps_the_newest_runs(journal):
    flow = _one_task_flow("kept")
    with set_temporary_config({"journal.keep_runs": 3}):
        for _ in range(5):
            flow.run()
            _journal.flush()
    runs = journal.runs()
    assert len(runs) == 3
    assert journal.sql("SELECT COUNT(DISTINCT run) FROM task_batches") == [(3,)]


def test_each_commit_is_one_batch_of_many_task_runs(journal):
    @task
    def plus_one(x):
        return x + 1

    with Flow("batched") as flow:
        plus_one.map(list(range(300)))
    flow.run()
    runs = journal.task_runs()
    assert sum(1 for k in runs if k.startswith("plus_one-1[")) == 300
    (batches,) = journal.sql("SELECT COUNT(*) FROM task_batches")[0]
    assert batches <= 3  # a few commits, not one row per task run


def test_a_writer_failure_switches_off_only_that_run(journal, caplog, monkeypatch):
    calls = []
    real = batch.encode_entries

    def failing_once(jr, items):
        calls.append(jr.flow_name)
        if jr.flow_name == "doomed":
            raise sqlite3.OperationalError("disk I/O error")
        return real(jr, items)

    monkeypatch.setattr(batch, "encode_entries", failing_once)
    with caplog.at_level(logging.WARNING, logger="prefect.Journal"):
        assert _one_task_flow("doomed").run().is_successful()
        _journal.flush()
        assert _one_task_flow("fine").run().is_successful()
        _journal.flush()
    assert [r.flow_name for r in journal.runs()] == ["fine"]
    (warning,) = _journal_warnings(caplog)
    assert "'doomed'" in warning and "disk I/O error" in warning


def test_a_run_without_a_fresh_heartbeat_is_not_running():
    now = 1_000_000.0
    base = dict.fromkeys(store.RunInfo._fields)
    base.update(num=1, id="x", flow_name="f", started=now - 100, shape='{"tasks": []}')
    elsewhere = store.RunInfo(**{**base, "host": "another-host", "pid": 1, "heartbeat": now - 5})
    assert elsewhere.alive(now) and elsewhere.status(now) == "Running"
    stale = elsewhere._replace(heartbeat=now - store.STALE_AFTER - 1)
    assert not stale.alive(now) and stale.status(now) == "Unfinished"
    assert stale.duration(now) == pytest.approx(100 - store.STALE_AFTER - 1)
    gone = elsewhere._replace(host=store.HOST, pid=2**22 + 12345)  # no such process here
    assert gone.status(now) == "Unfinished"
    ended = elsewhere._replace(ended=now - 50, state="Success")
    assert ended.status(now) == "Success" and ended.duration(now) == 50


def test_the_journal_lives_in_home_dir_unless_configured(tmp_path):
    from prefect_compat import _config

    def load(**env):
        return _config.load_configuration(_config.DEFAULTS_PATH, None, None, env=env)

    defaults = load()
    assert defaults["journal"]["enabled"] is True and defaults["journal"]["keep_runs"] == 100
    assert defaults["journal"]["path"] == os.path.join(defaults["home_dir"], "journal.db")
    moved = load(PREFECT__HOME_DIR=str(tmp_path))
    assert moved["journal"]["path"] == str(tmp_path / "journal.db")
    assert load(PREFECT__JOURNAL__ENABLED="false")["journal"]["enabled"] is False
