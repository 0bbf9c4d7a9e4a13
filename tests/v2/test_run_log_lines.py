"""A 2.x run logs what Prefect 2.6.9 logs, in its console format, on its loggers.

The expected lines were recorded from real Prefect 2.6.9 running the same scripts
(run names and timestamps differ per run and are matched by pattern).
"""

from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from prefect_compat import flow, task
from prefect_compat.flows import get_run_logger

REPO = Path(__file__).resolve().parents[2]
LINE = re.compile(r"^\d\d:\d\d:\d\d\.\d{3} \| (?P<level>[A-Z]+) +\| (?P<who>.*?) - (?P<msg>.*)$")

SCRIPT = """
import prefect_compat
prefect_compat.install_alias()
from prefect import flow, task, get_run_logger

@task
def my_task(i):
    get_run_logger().info("inside %s", i)
    return i + 1

@task
def bad():
    raise ValueError("nope")

@flow
def my_flow():
    s = my_task(1)
    f = my_task.submit(2)
    return s + f.result()

@flow(name="Fails Here")
def failing():
    get_run_logger().warning("flow says %s", "hi")
    return bad(return_state=True)

print(my_flow())
failing(return_state=True)
"""

# What 2.6.9 printed for SCRIPT, with <flow run> / <hash> in place of its random parts.
EXPECTED = [
    ("INFO", "prefect.engine", "Created flow run '<flow run>' for flow 'my-flow'"),
    ("INFO", "Flow run '<flow run>'", "Created task run 'my_task-<hash>-0' for task 'my_task'"),
    ("INFO", "Flow run '<flow run>'", "Executing 'my_task-<hash>-0' immediately..."),
    ("INFO", "Task run 'my_task-<hash>-0'", "inside 1"),
    ("INFO", "Task run 'my_task-<hash>-0'", "Finished in state Completed()"),
    ("INFO", "Flow run '<flow run>'", "Created task run 'my_task-<hash>-1' for task 'my_task'"),
    ("INFO", "Flow run '<flow run>'", "Submitted task run 'my_task-<hash>-1' for execution."),
    ("INFO", "Task run 'my_task-<hash>-1'", "inside 2"),
    ("INFO", "Task run 'my_task-<hash>-1'", "Finished in state Completed()"),
    ("INFO", "Flow run '<flow run>'", "Finished in state Completed()"),
    ("INFO", "prefect.engine", "Created flow run '<flow run>' for flow 'Fails Here'"),
    ("WARNING", "Flow run '<flow run>'", "flow says hi"),
    ("INFO", "Flow run '<flow run>'", "Created task run 'bad-<hash>-0' for task 'bad'"),
    ("INFO", "Flow run '<flow run>'", "Executing 'bad-<hash>-0' immediately..."),
    ("ERROR", "Task run 'bad-<hash>-0'", "Encountered exception during execution:"),
    (
        "ERROR",
        "Task run 'bad-<hash>-0'",
        "Finished in state Failed('Task run encountered an exception: ValueError: nope\\n')",
    ),
    ("ERROR", "Flow run '<flow run>'", "Finished in state Failed('1/1 states failed.')"),
]


def _normalized(text: str) -> str:
    text = re.sub(r"([Ff]low run )'[a-z]+-[a-z]+'", r"\1'<flow run>'", text)
    return re.sub(r"-[0-9a-f]{8}-(\d+)", r"-<hash>-\1", text)


def run_script(tmp_path: Path, text: str) -> subprocess.CompletedProcess:
    """`text` as a script in a fresh interpreter, with its own homes; its output."""
    script = tmp_path / "script.py"
    script.write_text(text)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT__")}
    env.update(PYTHONPATH=str(REPO), PREFECT_HOME=str(tmp_path / "home2"))
    env.update(PREFECT__HOME_DIR=str(tmp_path / "home1"))
    return subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


@contextmanager
def records_at_info() -> Iterator[list[logging.LogRecord]]:
    """Every record the `prefect` logger sees at INFO while the block runs."""
    prefect_logger = logging.getLogger("prefect")
    saved = prefect_logger.level
    prefect_logger.setLevel(logging.INFO)
    user = Collect()
    prefect_logger.addHandler(user)
    try:
        yield user.records
    finally:
        prefect_logger.removeHandler(user)
        prefect_logger.setLevel(saved)


def test_a_script_prints_the_lines_prefect_2_prints(tmp_path):
    out = run_script(tmp_path, SCRIPT)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert "5" in lines  # the flow's value, printed by the script
    parsed = [LINE.match(line) for line in lines]
    found = [(m["level"], _normalized(m["who"]), _normalized(m["msg"])) for m in parsed if m]
    assert found == EXPECTED
    # the traceback follows the exception line, ending with the task's error
    at = next(i for i, line in enumerate(lines) if "Encountered exception" in line)
    assert lines[at + 1] == "Traceback (most recent call last):"
    assert "ValueError: nope" in lines[at + 1 : at + 12]
    assert "TaskRunner" not in out.stdout and "Starting task run" not in out.stdout


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def test_records_carry_the_run_names_and_reach_a_users_handler():
    @task
    def double(x):
        get_run_logger().info("doubling %s", x)
        return 2 * x

    @flow
    def doubler():
        return double(3)

    with records_at_info() as records:
        assert doubler() == 6
    by_message = {r.getMessage(): r for r in records}
    created = next(r for r in records if r.name == "prefect.engine")
    flow_run = created.getMessage().split("'")[1]
    assert created.getMessage() == f"Created flow run '{flow_run}' for flow 'doubler'"
    inside = by_message["doubling 3"]
    assert inside.name == "prefect.task_runs" and inside.task_run_name.startswith("double-")
    assert (inside.flow_run_name, inside.flow_name, inside.task_name) == (
        flow_run,
        "doubler",
        "double",
    )
    finished = [r for r in records if r.getMessage() == "Finished in state Completed()"]
    assert [(r.name, r.levelno) for r in finished] == [
        ("prefect.task_runs", logging.INFO),
        ("prefect.flow_runs", logging.INFO),
    ]
    assert finished[0].task_run_name == inside.task_run_name
    assert finished[1].flow_run_name == flow_run
    assert not [r for r in records if r.name == "prefect.TaskRunner"]


def test_get_run_logger_is_an_adapter_with_the_runs_names():
    seen = {}

    @task
    def inner():
        logger = get_run_logger()
        seen["task"] = (logger.name, dict(logger.extra))

    @flow(name="outer flow")
    def outer():
        logger = get_run_logger()
        seen["flow"] = (logger.name, dict(logger.extra))
        inner()

    outer()
    name, extra = seen["flow"]
    assert name == "prefect.flow_runs"
    assert sorted(extra) == ["flow_name", "flow_run_id", "flow_run_name"]
    assert extra["flow_name"] == "outer flow"
    name, extra = seen["task"]
    assert name == "prefect.task_runs"
    assert sorted(extra) == [
        "flow_name",
        "flow_run_id",
        "flow_run_name",
        "task_name",
        "task_run_id",
        "task_run_name",
    ]
    assert extra["task_run_name"].startswith("inner-") and extra["task_run_name"].endswith("-0")


def test_a_flow_that_raises_logs_the_error_and_ends_failed(tmp_path):
    out = run_script(
        tmp_path,
        textwrap.dedent(
            """
            import prefect_compat
            from prefect_compat import flow

            @flow
            def broken():
                raise RuntimeError("flow body failed")

            broken(return_state=True)
            """
        ),
    )
    parsed = [m for m in map(LINE.match, out.stdout.splitlines()) if m]
    assert [(m["level"], m["msg"]) for m in parsed[1:]] == [
        ("ERROR", "Encountered exception during execution:"),
        (
            "ERROR",
            "Finished in state Failed('Flow run encountered an exception. RuntimeError: "
            "flow body failed\\n')",
        ),
    ]
    assert "RuntimeError: flow body failed" in out.stdout.split("Encountered exception")[1]


def test_a_retried_task_says_it_will_run_again_as_2_6_9_does():
    attempts = []

    @task(retries=1)
    def flaky():
        attempts.append(1)
        if len(attempts) == 1:
            raise ValueError("first")
        return 1

    @flow
    def retrying():
        return flaky()

    with records_at_info() as records:
        assert retrying() == 1
    task_lines = [(r.levelname, r.getMessage()) for r in records if r.name == "prefect.task_runs"]
    assert task_lines == [
        ("ERROR", "Encountered exception during execution:"),
        (
            "INFO",
            "Received non-final state 'AwaitingRetry' when proposing final state 'Failed' "
            "and will attempt to run again...",
        ),
        ("INFO", "Finished in state Completed()"),
    ]


def test_a_1x_task_called_engine_keeps_the_1x_format(tmp_path):
    out = run_script(
        tmp_path,
        textwrap.dedent(
            """
            import prefect_compat
            from prefect_compat import Flow, task, context

            @task(name="engine")
            def engine():
                context.get("logger").info("from a 1.x task")

            with Flow("one-x") as flow:
                engine()
            flow.run()
            """
        ),
    )
    assert out.returncode == 0, out.stderr
    line = next(x for x in out.stdout.splitlines() if "from a 1.x task" in x)
    assert re.match(
        r"^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d[+-]\d{4}\] INFO - prefect\.engine \| ", line
    )
