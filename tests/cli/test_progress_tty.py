"""The progress display: rendered in a real pseudo-terminal, plus its counting and summary."""

from __future__ import annotations

import pickle
import re
import sys

from prefect_compat import Flow, task
from prefect_compat.cli import progress
from prefect_compat.engine.results import LocalResult
from prefect_compat.engine.state import (
    Failed,
    Looped,
    Mapped,
    Pending,
    Retrying,
    Running,
    Success,
    TriggerFailed,
)
from prefect_compat.utilities.configuration import set_temporary_config
from tests.cli.helpers import script
from tests.fixtures import terminal

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def run_in_pty(cli, *args: str, columns: int = 120) -> tuple[int, str]:
    """Run `python -m prefect_compat ARGS` with a terminal as stdin/stdout/stderr."""
    env = {k: v for k, v in cli.env.items() if k not in ("COLUMNS", "LINES", "NO_COLOR")}
    env["TERM"] = "xterm-256color"
    argv = [sys.executable, "-m", "prefect_compat", *map(str, args)]
    return terminal.run_in_pty(argv, env, cwd=str(cli.cwd), columns=columns)


def test_live_display_and_summary_in_a_terminal(cli):
    code, raw = run_in_pty(cli, "run", script("many_tasks.py"))
    assert code == 1, raw
    text = ANSI.sub("", raw).replace("\r", "\n")
    # a live region: cursor hidden while it runs, restored after, lines erased and redrawn
    assert "\x1b[?25l" in raw and "\x1b[?25h" in raw
    assert "\x1b[2K" in raw
    frames = re.findall(r"Flow 'many' (\d+) done (\d+) failed (\d+) running ([\d.]+s)", text)
    assert len(frames) >= 2, text
    assert frames[0][:3] == ("0", "0", "0")  # drawn before the first task ran
    assert frames[-1][:3] == ("40", "1", "0")  # items + 39 children done, work[7] failed
    # colours on a terminal: counts in green/red, the failed summary headline in bold red
    assert "\x1b[32m40 done" in raw
    assert "\x1b[1;31mFlow 'many' finished: Failed('Some reference tasks failed.')" in raw
    # the summary, after the live region
    summary = text[text.index("Flow 'many' finished") :]
    assert "Task states: 1 Failed, 1 Mapped, 40 Success" in summary
    assert "Checkpoints: none written" in summary
    assert "Failed tasks (1):" in summary
    assert "work[7]: Failed: Error during execution of task: ValueError('bad item 7')" in summary
    # log records are printed above the live region (task errors on prefect.TaskRunner, as
    # in Prefect 1.4.1), each on lines of their own
    error_line = r"^\[[^\]]+\] ERROR - prefect\.TaskRunner \| Task 'work\[7\]'"
    assert re.search(error_line, text, re.M), text


def test_results_ls_draws_a_table_in_a_terminal(cli, tmp_path):
    root = tmp_path / "store"
    LocalResult(dir=str(root), location="flow/x.pkl").write([1, 2, 3])
    code, raw = run_in_pty(cli, "results", "ls", root)
    assert code == 0, raw
    text = ANSI.sub("", raw)
    assert "1 checkpoint files under" in text
    assert "┃ Location" in text and "flow/x.pkl" in text
    assert "━" in text  # a box-drawn table, not the plain listing


def test_results_show_pretty_prints_in_a_terminal(cli, tmp_path):
    location = LocalResult(dir=str(tmp_path), location="v.pkl").write({"a": [1, 2]}).location
    code, raw = run_in_pty(cli, "results", "show", location)
    assert code == 0, raw
    text = ANSI.sub("", raw)
    assert "{'a': [1, 2]}" in text
    assert "\x1b[" in raw  # rich highlighting


# -- counting (no terminal needed) ------------------------------------------------------


def _record() -> progress.RunRecord:
    with Flow("counted") as flow:
        pass
    return progress.RunRecord(flow)


def test_transitions_are_counted_as_done_failed_running():
    record = _record()
    record.on_transition(Pending(), Running())
    record.on_transition(Pending(), Running())
    assert record.counts() == (0, 0, 2)
    record.on_transition(Running(), Success())
    record.on_transition(Running(), Failed())
    record.on_transition(Pending(), TriggerFailed())  # never ran
    assert record.counts() == (1, 2, 0)
    record.on_transition(Pending(), Running())
    record.on_transition(Running(), Retrying())  # leaves running, not finished
    assert record.counts() == (1, 2, 0)
    record.on_transition(Running(), Looped())  # one loop iteration: not a finished run
    record.on_transition(Pending(), Mapped(map_states=[]))  # the children count, not the parent
    assert record.counts() == (1, 2, 0)


def test_counter_pickles_by_key_and_is_a_no_op_where_no_record_exists():
    record = _record()
    progress._RECORDS[record.key] = record
    try:
        clone = pickle.loads(pickle.dumps(record.counter))
        clone(None, Pending(), Running())
        assert record.counts() == (0, 0, 1)
    finally:
        del progress._RECORDS[record.key]
    assert clone(None, Running(), Success()) is None  # e.g. in a worker process
    assert record.counts() == (0, 0, 1)


def test_summary_names_failures_counts_and_checkpoints(tmp_path):
    @task
    def nums():
        return [1, 2, 3]

    @task
    def inv(x):
        if x == 2:
            raise ZeroDivisionError("no inverse for 2 here")
        return 1 / x

    with Flow(
        "summed", result=LocalResult(dir=str(tmp_path), location="{task_full_name}.pkl")
    ) as f:
        inv.map(nums())
    record = progress.RunRecord(f)
    with set_temporary_config({"flows.checkpointing": True}):
        state = f.run(task_runner_state_handlers=[record.counter])
    record.settle(state)
    record.ended = record.started + 1.5
    lines = [text for text, _ in progress.summary_lines(record)]
    assert lines[0] == "Flow 'summed' finished: Failed('Some reference tasks failed.') in 1.5s"
    assert "  Task states: 1 Failed, 1 Mapped, 3 Success" in lines
    assert f"  Checkpoints: 3 written under {tmp_path}" in lines
    assert [ln for ln in lines if ln.endswith(".pkl")] == [
        "    nums.pkl",
        "    inv[0].pkl",
        "    inv[2].pkl",
    ]
    assert "  Failed tasks (1):" in lines
    assert any(
        ln.startswith("    inv[1]: Failed: ") and "ZeroDivisionError('no inverse for 2 here')" in ln
        for ln in lines
    )
    assert record.counts() == (3, 1, 0)


def test_cli_modules_load_rich_only_when_drawing(cli):
    proc = cli.python(
        "import sys\n"
        "import prefect_compat.cli.progress, prefect_compat.cli.run, prefect_compat.cli.results\n"
        "print(sorted(m for m in ('rich', 'libcst') if m in sys.modules))\n"
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_live_refresh_never_waits_for_the_display_lock():
    """rich's refresh thread renders holding Live's lock; finish() holds the display's
    lock while it stops Live. Rendering must not take the display's lock (a deadlock that
    left `prefect-compat run` hanging at the end of a run on a terminal)."""
    import io
    import threading

    from rich.console import Console
    from rich.live import Live

    display = progress.LiveDisplay()
    display.console = Console(file=io.StringIO(), force_terminal=True, width=100)
    with Flow("locks") as flow:
        pass
    display.active.append(progress.RunRecord(flow))
    # no auto-refresh thread: this test plays it, so a regression fails instead of hanging
    display.live = Live(console=display.console, auto_refresh=False, get_renderable=display._render)
    display.live.start()
    rendered = []

    def refresh_like_rich():
        with display.live._lock:
            rendered.append(display._render())

    try:
        with display.lock:  # as finish() holds it while it stops Live
            renderer = threading.Thread(target=refresh_like_rich, daemon=True)
            renderer.start()
            renderer.join(timeout=30)
            assert not renderer.is_alive(), "rendering waited for the display's lock"
    finally:
        renderer.join(timeout=30)
        display.close()
    assert len(rendered) == 1
    assert "Flow 'locks'" in display.console.file.getvalue()
