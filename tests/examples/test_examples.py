"""Example scripts, run unchanged (`import prefect`) through the import alias.

Each script in `scripts/` is our own equivalent of code blocks found in Prefect's sdists
(README and docstrings; the sdists ship no examples/ or docs/ folder). The expectations
below were observed by running the same scripts on real Prefect 1.4.1: exit status, the
lines the script prints, every task's final state, the flow-run outcome lines and the
task-library log lines. Lines the engine does not reproduce yet (the mapped parent's
'Mapped' line, the "SKIP/FAIL signal raised" lines) are not asserted here.

Each script runs in a subprocess as `python script.py` would, with
`prefect_compat.install_alias()` first, in a temporary directory with an isolated home.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPTS = Path(__file__).resolve().parent / "scripts"
LOG_LINE = re.compile(r"^\[[^\]]+\] (\w+) - ([\w.]+) \| (.*)$")
FINAL = re.compile(r"^Task '(.*)': Finished task run for task with final state: '(\w+)'$")


class Run:
    """One script run: exit code, printed lines, log records (level, logger, message)."""

    def __init__(self, proc: subprocess.CompletedProcess) -> None:
        self.returncode = proc.returncode
        self.stderr = proc.stderr
        self.printed: list[str] = []
        self.logs: list[tuple[str, str, str]] = []
        in_traceback = False
        for line in proc.stdout.splitlines():
            match = LOG_LINE.match(line)
            if match:
                self.logs.append(match.groups())
                in_traceback = False
            elif line.startswith("Traceback (most recent call last):"):
                in_traceback = True
            elif in_traceback:  # frames, then the exception line ends the block
                in_traceback = line.startswith(" ")
            else:
                self.printed.append(line)

    def final_states(self) -> Counter:
        found = (FINAL.match(m) for level, name, m in self.logs if name == "prefect.TaskRunner")
        return Counter(f"{m[1]} -> {m[2]}" for m in found if m and m[2] != "Mapped")

    def flow_outcomes(self) -> list[str]:
        runner = (m for _, name, m in self.logs if name == "prefect.FlowRunner")
        return [m for m in runner if m.startswith("Flow run ")]

    def library_logs(self) -> list[str]:
        runner = {"prefect.TaskRunner", "prefect.FlowRunner"}
        return [f"{lvl} - {name} | {m}" for lvl, name, m in self.logs if name not in runner]


def run_script(name: str, tmp_path: Path) -> Run:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT__")}
    env.update(
        PREFECT__HOME_DIR=str(tmp_path / "home"),
        PREFECT__USER_CONFIG_PATH=str(tmp_path / "no-user-config.toml"),
        PREFECT__BACKEND_CONFIG_PATH=str(tmp_path / "no-backend-config.toml"),
        PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")])),
    )
    proc = subprocess.run(
        [sys.executable, "-c", RUNNER, str(SCRIPTS / name)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    return Run(proc)


RUNNER = (
    "import runpy, sys, prefect_compat; prefect_compat.install_alias(); "
    "sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__')"
)
SUCCESS = "Flow run SUCCESS: all reference tasks succeeded"


def states(*entries: str) -> Counter:
    return Counter(entries)


def test_task_styles(tmp_path):
    run = run_script("task_styles.py", tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.printed == ["listed: hi there", "built: HI THERE 42.0"]
    assert run.final_states() == states(
        "Greeting -> Success", "Greeting -> Success", "Halve -> Success", "shout -> Success"
    )
    assert run.flow_outcomes() == [SUCCESS, SUCCESS]


def test_looping(tmp_path):
    run = run_script("looping.py", tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.printed == ["final value: 54"]
    assert run.final_states() == states("grow -> Success")


def test_branching(tmp_path):
    run = run_script("branching.py", tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.printed == ["first Skipped", "second Success", "per item: [0, 2, 2, 6, 4]"]
    odd = [1, 3]
    expected = [
        'CompareValue: "first" -> Skipped',
        'CompareValue: "second" -> Success',
        "choose -> Success",
        "items -> Success",
        "first -> Skipped",
        "second -> Success",
    ]
    for i in range(5):
        taken = "Success" if i in odd else "Skipped"
        expected += [
            f"is_odd[{i}] -> Success",
            f"case(True)[{i}] -> {taken}",
            f"double[{i}] -> {taken}",
            f"Merge[{i}] -> Success",
        ]
    assert run.final_states() == states(*expected)
    assert run.flow_outcomes() == [SUCCESS]


def test_triggers_and_reference_tasks(tmp_path):
    run = run_script("triggers_reference.py", tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.printed == ["flow: Success", "On success -> TriggerFailed", "On failure -> Success"]
    assert run.final_states() == states(
        "Flaky -> Failed", "On success -> TriggerFailed", "On failure -> Success"
    )
    assert run.flow_outcomes() == [SUCCESS]


def test_context_and_flow_runner(tmp_path):
    run = run_script("context_and_runner.py", tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.printed == [
        "inside: blue 3",
        "outside: None",
        "TriggerFailed is failed: True",
        "Retrying is pending: True",
        "spoken by speak",
        "runner: True",
    ]
    assert run.final_states() == states("speak -> Success")


def test_mapping_edges(tmp_path):
    run = run_script("mapping_edges.py", tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.printed == [
        "mapped: [11, 21, 31]",
        "unmapped: [12, 22, 32]",
        "flatten: [101, 102, 103]",
    ]
    children = [f"Plus[{i}] -> Success" for i in range(3)] * 3
    assert run.final_states() == states(
        "Marker -> Success", "Nested -> Success", "Numbers -> Success", *children
    )


def test_notify_callbacks_and_task_logger(tmp_path):
    run = run_script("notify_callbacks.py", tmp_path)
    assert run.returncode == 0, run.stderr
    assert sorted(run.printed) == [
        'callbacks: <Success: "All reference tasks succeeded.">',
        'plain: <Success: "Task run succeeded.">',
    ]
    assert run.printed[-1].startswith("callbacks:")  # the flow's handler runs last
    assert run.library_logs() == [
        "INFO - prefect.watched | moving from Pending to Running",
        "INFO - prefect.watched | moving from Running to Success",
    ]


def test_retries_and_defaults_from_attrs(tmp_path):
    run = run_script("retries_and_defaults.py", tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.printed == [
        "defaults: ('L', 'R') ('x', 'R') (None, None)",
        "job: attempt 1",
        "job: attempt 2",
        "attempts: 2",
    ]
    assert run.final_states() == states("retried -> Retrying", "retried -> Success")
    assert run.flow_outcomes() == ["Flow run RUNNING: terminal tasks are incomplete.", SUCCESS]


def test_resource_manager(tmp_path):
    run = run_script("resources.py", tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.printed == ["setup scratch", "cleanup scratch with 1 items", "used: 42 Success"]
    assert run.final_states() == states(
        "Workspace -> Success",
        "Workspace.setup -> Success",
        "use -> Success",
        "Workspace.cleanup -> Success",
    )


def test_shell_steps(tmp_path):
    run = run_script("shell_steps.py", tmp_path)
    assert run.returncode == 0, run.stderr  # the script itself does not raise
    assert run.printed == [
        "listing: notes.txt",
        "count: 2",
        "broken: Failed Command failed with exit code 1",
    ]
    assert run.final_states() == states(
        "ShellTask -> Success", "ShellTask -> Success", "ShellTask -> Failed"
    )
    assert run.library_logs() == ["ERROR - prefect.ShellTask | Command failed with exit code 1"]
    assert run.flow_outcomes() == ["Flow run FAILED: some reference tasks failed."]


def test_local_database_and_file_tasks(tmp_path):
    run = run_script("local_tasks.py", tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.printed == [
        "flow: Success",
        "rows: [(42,)]",
        "copied: copy.csv",
        "listed: ['unzipped/copy.csv']",
    ]
    names = ["SQLiteScript", "SQLiteQuery", "Copy", "Zip", "Remove", "Unzip", "Glob"]
    assert run.final_states() == states(*(f"{n} -> Success" for n in names))
    assert run.library_logs() == [
        "INFO - prefect.Copy | Copying data.csv to copy.csv...",
        "INFO - prefect.Zip | Creating zip archive out.zip",
        "INFO - prefect.Zip | Adding copy.csv to archive",
        "INFO - prefect.Remove | Removing copy.csv...",
        "INFO - prefect.Unzip | Extracting 'out.zip' to 'unzipped'",
    ]


@pytest.mark.parametrize("script", ["local_dask.py"])
def test_local_dask_mapping(tmp_path, script):
    run = run_script(script, tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.printed == ["squares: [0, 1, 4, 9, 16, 25]", "total: 55"]
    assert run.final_states() == states(
        "numbers -> Success", *(f"square[{i}] -> Success" for i in range(6)), "total -> Success"
    )
