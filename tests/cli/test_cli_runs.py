"""`prefect-compat runs ls | show | gc` and `prefect-compat run --resume`, in subprocesses."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from tests.cli.helpers import script

FLOW = script("journaled.py")


def _marks(path):
    return path.read_text().split() if path.exists() else []


def _first_failed_run(cli, tmp_path, *extra):
    marks = tmp_path / "marks.txt"
    out = tmp_path / "out"
    proc = cli("run", FLOW, "--checkpoint", "--result-dir", out, "--param", "n=5", *extra,
               MARKS=str(marks), FAIL="3")  # fmt: skip
    assert proc.returncode == 1, proc.stderr
    return marks, out


def _ls_rows(cli, *args):
    proc = cli("runs", "ls", *args)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    return lines[0].split(), [line.split() for line in lines[1:]]


def test_ls_show_and_resume_last(cli, tmp_path):
    marks, out = _first_failed_run(cli, tmp_path)
    header, rows = _ls_rows(cli)
    assert " ".join(header) == "RUN ID FLOW STARTED DURATION STATE OK FAILED PENDING"
    ((run_id, flow, _day, _time, _duration, state, ok, failed, pending),) = rows
    assert (flow, state, ok, failed, pending) == ("journaled", "Failed", "6", "2", "0")

    shown = cli("runs", "show", run_id[:8])
    assert shown.returncode == 0, shown.stderr
    assert f"Run:          {run_id}" in shown.stdout
    assert "State:        Failed: Some reference tasks failed." in shown.stdout
    assert f"Script:       {FLOW}" in shown.stdout
    assert "Parameters:   n=5" in shown.stdout
    lines = {line.split()[0]: line for line in shown.stdout.splitlines() if line}
    assert "Error during execution of task: ValueError('item 3 fails" in lines["square-1[3]"]
    assert str(out / "journaled" / run_id / "square[2].pkl") in lines["square-1[2]"]
    assert lines["square-1"].split()[1:4] == ["Mapped", "(5", "runs)"]

    marks.unlink()
    proc = cli("run", FLOW, "--checkpoint", "--result-dir", out, "--resume", "last",
               MARKS=str(marks))  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert sorted(_marks(marks)) == ["square-3", "total"]  # n=5 came from the resumed run
    _, rows = _ls_rows(cli, "--flow", "journaled")
    assert [row[5] for row in rows] == ["Success", "Failed"]  # newest first
    assert rows[0][6:] == ["8", "0", "0"]
    assert cli("runs", "show", rows[0][0]).stdout.count(f"(from run {run_id[:8]})") == 6


def test_resume_of_an_unknown_run_is_a_usage_error(cli, tmp_path):
    _first_failed_run(cli, tmp_path)
    proc = cli("run", FLOW, "--resume", "feedbeef", MARKS=str(tmp_path / "m"))
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines()[-1] == (
        f"Error: --resume: no run with id 'feedbeef' in the run journal at "
        f"'{cli.home / 'journal.db'}'; list recorded runs with: prefect-compat runs ls"
    )


def test_force_needs_resume(cli, tmp_path):
    proc = cli("run", FLOW, "--force", MARKS=str(tmp_path / "m"))
    assert proc.returncode == 2
    assert "Error: --force only applies with --resume last|RUN_ID." in proc.stderr


def test_a_changed_flow_is_refused_unless_forced(cli, tmp_path):
    marks, out = _first_failed_run(cli, tmp_path)
    marks.unlink()
    proc = cli("run", FLOW, "--checkpoint", "--result-dir", out, "--resume", "last",
               MARKS=str(marks), EXTRA="1")  # fmt: skip
    assert proc.returncode == 2
    assert "the flow changed since (added 'report-1')" in proc.stderr
    assert "--force" in proc.stderr
    assert not marks.exists()  # refused before anything ran
    proc = cli("run", FLOW, "--checkpoint", "--result-dir", out, "--resume", "last", "--force",
               MARKS=str(marks), EXTRA="1")  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert sorted(_marks(marks)) == ["report", "square-3", "total"]
    assert "total is 30" in proc.stdout


def test_without_a_journal(cli):
    proc = cli("runs", "ls")
    assert proc.returncode == 1
    assert proc.stderr.strip() == (
        f"Error: there is no run journal at '{cli.home / 'journal.db'}' (no flow run has been "
        "recorded there; the file is set by journal.path)"
    )


def test_show_an_unknown_run(cli, tmp_path):
    _first_failed_run(cli, tmp_path)
    proc = cli("runs", "show", "feedbeef")
    assert proc.returncode == 1
    assert proc.stderr.strip() == (
        "Error: no run with id 'feedbeef' in the run journal; list recorded runs with: "
        "prefect-compat runs ls"
    )


def test_gc_keeps_the_newest_runs(cli, tmp_path):
    for _ in range(3):
        _first_failed_run(cli, tmp_path)
    proc = cli("runs", "gc", "--keep", "1")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "Deleted 2 run(s); the newest 1 are kept."
    assert len(_ls_rows(cli)[1]) == 1


def _running_with(cli, at_least):
    """Whether `runs ls` shows the run Running with at least `at_least` task runs done."""
    proc = cli("runs", "ls")
    if proc.returncode != 0:  # no journal yet: the run has not started
        return False
    rows = [line.split() for line in proc.stdout.splitlines()[1:]]
    return any(row[-4] == "Running" and int(row[-3]) >= at_least for row in rows)


def test_a_killed_run_shows_as_unfinished(cli, tmp_path):
    marks = tmp_path / "marks.txt"
    proc = subprocess.Popen(
        [sys.executable, "-m", "prefect_compat", "run", FLOW, "--param", "n=400"],
        cwd=str(cli.cwd),
        env={**cli.env, "MARKS": str(marks), "SLOW": "0.01"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        # wait until the journal itself holds 20 finished task runs: the tasks' own marks
        # run ahead of its commits (one every 0.2 s), so counting them would race
        while not _running_with(cli, at_least=20):
            assert proc.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    _, ((*_, state, ok, failed, pending),) = _ls_rows(cli)
    assert state == "Unfinished"
    # n, numbers, total and 400 squares
    assert int(ok) >= 20 and failed == "0" and int(ok) + int(pending) == 403


def test_a_read_only_journal_leaves_the_run_going_with_one_warning(cli, tmp_path):
    _first_failed_run(cli, tmp_path)
    cli.home.chmod(0o555)
    (cli.home / "journal.db").chmod(0o444)
    try:
        proc = cli.bound_by_permissions("run", FLOW, "--result-dir", tmp_path / "elsewhere")
    finally:
        cli.home.chmod(0o755)
    assert proc.returncode == 1  # the flow itself fails: MARKS is unset
    output = (proc.stdout + proc.stderr).splitlines()
    warnings = [line for line in output if "run journal" in line]
    assert len(warnings) == 1, output
    assert "is off for this run of flow 'journaled'" in warnings[0]


def test_resume_unused_by_the_script_is_reported(cli, tmp_path):
    runner_script = tmp_path / "runner_only.py"
    runner_script.write_text(
        "from prefect import Flow, task\n"
        "from prefect.engine.flow_runner import FlowRunner\n"
        "@task\n"
        "def one():\n"
        "    return 1\n"
        "flow = Flow('runner-only', tasks=[one])\n"
        "FlowRunner(flow).run()\n"
    )
    assert cli("run", runner_script).returncode == 0
    proc = cli("run", runner_script, "--resume", "last")
    assert proc.returncode == 2
    assert "Error: --resume was not used: the script started no flow run through flow.run()" in (
        proc.stderr
    )
