"""The runner's per-task-run log lines keep Prefect's format, order and reach.

The lines ("Task 'x': Starting task run...", "Task 'x': Finished task run for task with
final state: 'Success'") are built cheaply and, when stdout is a file or a pipe, written
without a flush per record. These tests pin what a user can observe: the exact text and
format at the default INFO level, their order around the task's own log lines and its
`log_stdout` prints, complete lines at the end of every flow run and at exit (on a file
and on a pipe), every record reaching a user's handler with its usual attributes, the
`PREFECT__LOGGING__*` settings, and `prefect-compat run` on a pipe and on a terminal.
"""

from __future__ import annotations

import io
import json
import logging
import os
import re
import select
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from prefect_compat import Flow, context, task
from prefect_compat.utilities.logging import RunnerLine
from tests.fixtures.terminal import run_in_pty

REPO = Path(__file__).resolve().parents[2]
TIMESTAMP = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d[+-]\d{4}"
LINE = re.compile(rf"^\[(?P<ts>{TIMESTAMP})\] (?P<level>[A-Z]+) - (?P<name>\S+) \| (?P<msg>.*)$")
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")

# The flow every subprocess runs: x logs a line of its own, y prints under log_stdout.
FLOW = """
import prefect
from prefect import Flow, task

@task
def x():
    prefect.context.get("logger").info("inside x")
    return 1

@task(log_stdout=True)
def y(v):
    print("printed by y")
    return v + 1

with Flow("order") as flow:
    y(x())
"""


def expected_lines(flow="order"):
    """(logger name, message) of one flow run, in order, as Prefect 1.4.1 prints them."""
    return [
        ("prefect.FlowRunner", f"Beginning Flow run for '{flow}'"),
        ("prefect.TaskRunner", "Task 'x': Starting task run..."),
        ("prefect.x", "inside x"),
        ("prefect.TaskRunner", "Task 'x': Finished task run for task with final state: 'Success'"),
        ("prefect.TaskRunner", "Task 'y': Starting task run..."),
        ("stdout of y", "printed by y"),
        ("prefect.TaskRunner", "Task 'y': Finished task run for task with final state: 'Success'"),
        ("prefect.FlowRunner", "Flow run SUCCESS: all reference tasks succeeded"),
    ]


def log_lines(text: str) -> list[tuple[str, str]]:
    """(name, message) of every INFO log line in `text`, each checked against the format."""
    found = []
    for line in text.splitlines():
        match = LINE.match(line)
        if match:
            assert match["level"] == "INFO", line
            name = match["name"]
            if match["msg"] == "printed by y":
                # Prefect 1.4.1 logs a log_stdout print on prefect.TaskRunner; prefect-compat
                # on the task's logger (prefect.y). Either way it is an INFO line in place.
                assert name in ("prefect.TaskRunner", "prefect.y"), line
                name = "stdout of y"
            found.append((name, match["msg"]))
    return found


def write_script(tmp_path: Path, body: str, alias: bool = True, x_sleeps: float = 0) -> Path:
    """The flow plus `body`; `alias` makes `import prefect` work under plain python."""
    head = "import prefect_compat\nprefect_compat.install_alias()\n" if alias else ""
    flow = FLOW.replace(
        "    return 1\n", f"    __import__('time').sleep({x_sleeps})\n    return 1\n"
    )
    path = tmp_path / "flow_script.py"
    path.write_text(head + flow + body)
    return path


def clean_env(**extra: str) -> dict[str, str]:
    # Python's default buffering of a file or pipe stdout (PYTHONUNBUFFERED, which some
    # shells and images set, would make every write reach the OS at once and hide a
    # missing flush)
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("PREFECT__") and k != "PYTHONUNBUFFERED"
    }
    env.update(PYTHONPATH=str(REPO), PREFECT__USER_CONFIG_PATH="/nonexistent/config.toml")
    env.update(extra)
    return env


def test_on_a_pipe_lines_are_complete_when_a_flow_run_ends(tmp_path):
    # After its flow run the script blocks on stdin: what the pipe carries by then was
    # written at the end of the run, not at exit.
    # (sys.stdin.readline, not input(), which flushes stdout before it reads)
    script = write_script(tmp_path, "\nimport sys\nflow.run()\nsys.stdin.readline()\n")
    proc = subprocess.Popen(
        [sys.executable, str(script)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=clean_env(),
    )
    seen = b""
    try:
        deadline = time.monotonic() + 60
        while b"Flow run SUCCESS" not in seen or not seen.endswith(b"\n"):
            ready, _, _ = select.select(
                [proc.stdout], [], [], max(0.0, deadline - time.monotonic())
            )
            chunk = os.read(proc.stdout.fileno(), 65536) if ready else b""
            if not chunk:
                break
            seen += chunk
        assert log_lines(seen.decode()) == expected_lines(), seen.decode()
        assert proc.poll() is None  # still running: the lines did not wait for exit
    finally:
        out, err = proc.communicate(b"\n", timeout=60)
    assert proc.returncode == 0, err.decode()
    assert (seen + out).decode().count("Beginning Flow run") == 1


def test_on_a_file_lines_are_complete_at_the_end_of_each_run_and_at_exit(tmp_path):
    log = tmp_path / "run.log"
    snapshots = tmp_path / "snapshots.json"
    body = f"""
import json
seen = []
for _ in range(2):
    flow.run()
    with open({str(log)!r}) as fh:  # what another process reading the file sees now
        seen.append(fh.read())
with open({str(snapshots)!r}, "w") as fh:
    json.dump(seen, fh)
prefect.context.get("logger").info("last line, logged outside any flow run")
"""
    script = write_script(tmp_path, body)
    with open(log, "wb") as out:
        proc = subprocess.run(
            [sys.executable, str(script)],
            stdout=out,
            stderr=subprocess.PIPE,
            env=clean_env(),
            check=False,
        )
    assert proc.returncode == 0, proc.stderr.decode()
    first, second = json.loads(snapshots.read_text())
    assert first.endswith("\n") and second.endswith("\n")
    assert log_lines(first) == expected_lines()
    assert log_lines(second) == expected_lines() * 2
    final = log.read_text()
    assert final.startswith(second)
    assert log_lines(final) == [
        *expected_lines() * 2,
        ("prefect", "last line, logged outside any flow run"),
    ]
    assert final.endswith("last line, logged outside any flow run\n")


def test_configured_format_and_level_apply_to_the_runner_lines(tmp_path):
    script = write_script(tmp_path, "\nflow.run()\n")
    env = clean_env(
        PREFECT__LOGGING__FORMAT="%(levelname)s:%(name)s:%(message)s",
        PREFECT__LOGGING__DATEFMT="%H:%M",
    )
    out = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, env=env, check=True
    ).stdout
    lines = out.splitlines()
    assert "INFO:prefect.TaskRunner:Task 'x': Starting task run..." in lines
    assert lines.index("INFO:prefect.TaskRunner:Task 'x': Starting task run...") < lines.index(
        "INFO:prefect.x:inside x"
    )

    env = clean_env(PREFECT__LOGGING__LEVEL="WARNING")
    out = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, env=env, check=True
    ).stdout
    assert "Starting task run" not in out and "inside x" not in out


@pytest.fixture
def prefect_at_info():
    logger = logging.getLogger("prefect")
    saved = logger.level
    logger.setLevel(logging.INFO)
    yield logger
    logger.setLevel(saved)


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[logging.LogRecord] = []
        self.formatted: list[str] = []
        self.setFormatter(
            logging.Formatter(
                "%(asctime)s.%(msecs)03d %(process)d %(threadName)s %(levelname)s "
                "%(name)s %(message)s"
            )
        )

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)
        self.formatted.append(self.format(record))


def test_user_handlers_see_every_runner_record(prefect_at_info):
    @task
    def numbers():
        return [1, 2, 3]

    @task
    def inc(v):
        context.get("logger").info("child got %s", v)
        return v + 1

    with Flow("mapped") as flow:
        inc.map(numbers())

    on_prefect, on_root = Collect(), Collect()
    prefect_at_info.addHandler(on_prefect)
    logging.getLogger().addHandler(on_root)
    try:
        before = time.time()
        assert flow.run().is_successful()
        after = time.time()
    finally:
        prefect_at_info.removeHandler(on_prefect)
        logging.getLogger().removeHandler(on_root)

    ours = [r for r in on_prefect.records if r.name.startswith("prefect")]
    assert [r.getMessage() for r in on_root.records if r.name.startswith("prefect")] == [
        r.getMessage() for r in ours
    ]
    messages = [r.getMessage() for r in ours]
    for i in range(3):
        start = messages.index(f"Task 'inc[{i}]': Starting task run...")
        assert messages[start + 1] == f"child got {i + 1}"
        assert (
            messages[start + 2]
            == f"Task 'inc[{i}]': Finished task run for task with final state: 'Success'"
        )
    runner = [r for r in ours if r.getMessage().startswith("Task '")]
    assert len(runner) >= 8  # numbers + three children, Starting and Finished each
    created = [r.created for r in ours]
    assert created == sorted(created) and before <= created[0] and created[-1] <= after
    for record in runner:
        assert (record.name, record.levelname, record.levelno) == (
            "prefect.TaskRunner",
            "INFO",
            logging.INFO,
        )
        assert record.process == os.getpid() and record.thread == threading.get_ident()
        assert record.exc_info is None and record.stack_info is None
        assert 0 <= record.msecs < 1000
        assert abs(record.relativeCreated / 1000 - (record.created - logging._startTime)) < 0.01
    line = on_prefect.formatted[ours.index(runner[0])]
    stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(runner[0].created))
    assert line.startswith(f"{stamp},{int(runner[0].msecs):03d}.{int(runner[0].msecs):03d} ")
    assert line.endswith(f" INFO prefect.TaskRunner {runner[0].getMessage()}")


def test_prefect_compat_run_on_a_pipe(tmp_path):
    script = write_script(tmp_path, "\nif __name__ == '__main__':\n    flow.run()\n", alias=False)
    proc = subprocess.run(
        [sys.executable, "-m", "prefect_compat", "run", str(script)],
        capture_output=True,
        text=True,
        env=clean_env(PREFECT__HOME_DIR=str(tmp_path / "home")),
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert log_lines(proc.stdout) == expected_lines(), proc.stdout
    lines = proc.stdout.splitlines()
    # the plain progress display's own lines bracket the run's log lines
    assert lines[0] == "prefect-compat: Flow 'order' started (2 tasks)"
    assert "Flow 'order' finished: Success('All reference tasks succeeded.')" in proc.stdout
    assert lines.index(next(x for x in lines if "Flow run SUCCESS" in x)) < next(
        i for i, x in enumerate(lines) if x.startswith("Flow 'order' finished")
    )


def test_prefect_compat_run_on_a_terminal(tmp_path):
    # x takes a moment, so the live region redraws between log lines
    body = "\nif __name__ == '__main__':\n    flow.run()\n"
    script = write_script(tmp_path, body, alias=False, x_sleeps=0.3)
    env = clean_env(PREFECT__HOME_DIR=str(tmp_path / "home"), TERM="xterm-256color")
    for name in ("COLUMNS", "LINES", "NO_COLOR"):
        env.pop(name, None)
    code, raw = run_in_pty([sys.executable, "-m", "prefect_compat", "run", str(script)], env)
    assert code == 0, raw
    assert "\x1b[?25l" in raw  # the live region was drawn
    # each log line is printed above the live region: erase the line, write it, newline
    shown = [ANSI.sub("", part.rsplit("\x1b[2K", 1)[-1]) for part in raw.split("\r\n")]
    assert log_lines("\n".join(shown)) == expected_lines(), raw
    assert any(s.startswith("Flow 'order' finished: Success") for s in shown), shown


@pytest.fixture
def printed(prefect_at_info):
    """(stream, alone): `alone()` leaves the configured `prefect` handler, writing to
    `stream`, as the only thing that sees a record of the `prefect` loggers (pytest
    attaches its capture handlers when each test phase starts, so this is done inside
    the test body)."""
    ours = [h for h in prefect_at_info.handlers if getattr(h, "_prefect_compat_handler", False)]
    assert len(ours) == 1
    stream = io.StringIO()

    @contextmanager
    def alone():
        saved = prefect_at_info.handlers, prefect_at_info.propagate
        prefect_at_info.handlers, prefect_at_info.propagate = list(ours), False
        try:
            yield
        finally:
            prefect_at_info.handlers, prefect_at_info.propagate = saved

    old = ours[0].setStream(stream)
    yield stream, alone
    ours[0].setStream(old)


def mapped_flow():
    @task
    def numbers():
        return [1, 2]

    @task
    def inc(v):
        return v + 1

    with Flow("mapped") as flow:
        inc.map(numbers())
    return flow


def runner_messages(text):
    return [m for name, m in log_lines(text) if name == "prefect.TaskRunner"]


def test_with_only_the_configured_handler_lines_are_printed_without_records(printed, monkeypatch):
    stream, alone = printed
    made = []
    real = RunnerLine.record
    monkeypatch.setattr(RunnerLine, "record", lambda *a: made.append(a) or real(*a))
    with alone():
        assert mapped_flow().run().is_successful()
    assert made == []  # nobody else would have seen a record: none was built
    assert runner_messages(stream.getvalue()) == [
        "Task 'numbers': Starting task run...",
        "Task 'numbers': Finished task run for task with final state: 'Success'",
        "Task 'inc': Starting task run...",
        "Task 'inc': Finished task run for task with final state: 'Mapped'",
        "Task 'inc[0]': Starting task run...",
        "Task 'inc[0]': Finished task run for task with final state: 'Success'",
        "Task 'inc[1]': Starting task run...",
        "Task 'inc[1]': Finished task run for task with final state: 'Success'",
    ]


def test_a_filter_added_later_sees_every_record_and_the_text_is_the_same(printed):
    stream, alone = printed
    with alone():
        assert mapped_flow().run().is_successful()
    short = stream.getvalue()
    stream.seek(0)
    stream.truncate()

    seen = []
    runner = logging.getLogger("prefect.TaskRunner")
    keep = lambda record: seen.append(record.getMessage()) or True  # noqa: E731
    runner.addFilter(keep)
    try:
        with alone():
            assert mapped_flow().run().is_successful()
    finally:
        runner.removeFilter(keep)
    assert runner_messages(stream.getvalue()) == runner_messages(short) == seen
    assert len(seen) == 8 and len(stream.getvalue().splitlines()) == len(short.splitlines())


def test_a_dropping_filter_or_a_quieter_handler_is_obeyed(printed):
    stream, alone = printed
    with alone():
        handler = logging.getLogger("prefect").handlers[0]
        starting = lambda record: "Starting" not in record.getMessage()  # noqa: E731
        handler.addFilter(starting)
        try:
            assert mapped_flow().run().is_successful()
        finally:
            handler.removeFilter(starting)
    messages = runner_messages(stream.getvalue())
    assert len(messages) == 4 and not any("Starting" in m for m in messages)

    stream.seek(0)
    stream.truncate()
    handler.setLevel(logging.WARNING)
    try:
        with alone():
            assert mapped_flow().run().is_successful()
    finally:
        handler.setLevel(logging.NOTSET)
    assert runner_messages(stream.getvalue()) == []


def test_a_handler_added_to_the_root_logger_later_sees_the_runner_records(printed):
    stream, alone = printed
    user = Collect()
    with alone():
        logging.getLogger("prefect").propagate = True  # as configured outside pytest
        logging.getLogger().addHandler(user)
        try:
            assert mapped_flow().run().is_successful()
        finally:
            logging.getLogger().removeHandler(user)
    on_user = [r.getMessage() for r in user.records if r.name == "prefect.TaskRunner"]
    assert on_user == runner_messages(stream.getvalue()) and len(on_user) == 8
