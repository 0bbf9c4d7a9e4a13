"""ShellTask runs real commands: results, failures, streaming, env and helper scripts.

Expected values were observed on Prefect 1.4.1 (see docs/compat-notes.md for the one
deliberate difference: undecodable bytes).
"""

from __future__ import annotations

import inspect
import logging

import pytest

from prefect_compat import Flow
from prefect_compat.engine import signals
from prefect_compat.engine.state import Failed, Success
from prefect_compat.tasks.shell import ShellTask


def run_in_flow(task, **kwargs):
    with Flow("shell") as flow:
        ref = task(**kwargs)
    return flow.run().result[ref]


def shell_records(caplog, name="ShellTask"):
    return [(r.levelno, r.getMessage()) for r in caplog.records if r.name == f"prefect.{name}"]


def test_signature_is_prefects():
    init = inspect.signature(ShellTask.__init__)
    assert list(init.parameters)[1:] == [
        "command",
        "env",
        "helper_script",
        "shell",
        "return_all",
        "log_stderr",
        "stream_output",
        "kwargs",
    ]
    assert init.parameters["shell"].default == "bash"
    assert list(inspect.signature(ShellTask.run).parameters) == [
        "self",
        "command",
        "env",
        "helper_script",
    ]


def test_result_is_the_last_output_line():
    state = run_in_flow(ShellTask(), command="echo hello; echo world")
    assert isinstance(state, Success)
    assert state.result == "world"


def test_return_all_gives_every_line_right_stripped():
    state = run_in_flow(ShellTask(return_all=True), command="printf 'a  \\n\\nb\\n\\n'")
    assert state.result == ["a", "", "b", ""]


def test_no_output_gives_none_or_an_empty_list():
    assert run_in_flow(ShellTask(), command="true").result is None
    assert run_in_flow(ShellTask(return_all=True), command="true").result == []


def test_stderr_is_merged_into_the_output():
    state = run_in_flow(ShellTask(return_all=True), command="echo out; echo err >&2")
    assert state.result == ["out", "err"]


def test_nonzero_exit_fails_with_the_output_as_result(caplog):
    command = "echo out1; echo out2; echo err1 >&2; exit 3"
    with caplog.at_level(logging.INFO, logger="prefect"):
        state = run_in_flow(ShellTask(), command=command)
    assert isinstance(state, Failed)
    assert state.message == "Command failed with exit code 3"
    assert state.result == "err1"
    assert shell_records(caplog) == [(logging.ERROR, "Command failed with exit code 3")]

    state = run_in_flow(ShellTask(return_all=True), command=command)
    assert state.result == ["out1", "out2", "err1"]


def test_direct_run_raises_fail_carrying_the_output():
    with pytest.raises(signals.FAIL, match="Command failed with exit code 2") as info:
        ShellTask(command="echo partial; exit 2").run()
    assert info.value.state.result == "partial"


def test_log_stderr_logs_the_output_on_failure_only(caplog):
    with caplog.at_level(logging.INFO, logger="prefect"):
        run_in_flow(ShellTask(log_stderr=True), command="echo fine >&2")
        assert shell_records(caplog) == []
        run_in_flow(
            ShellTask(name="sh", log_stderr=True, return_all=True),
            command="echo o; echo e1 >&2; echo e2 >&2; exit 4",
        )
    assert shell_records(caplog, "sh") == [
        (logging.ERROR, "Command failed with exit code 4"),
        (logging.ERROR, "o\ne1\ne2"),
    ]


def test_log_stderr_without_return_all_logs_the_last_line(caplog):
    with caplog.at_level(logging.INFO, logger="prefect"):
        run_in_flow(ShellTask(log_stderr=True), command="echo o; echo e2 >&2; exit 1")
    assert shell_records(caplog)[-1] == (logging.ERROR, "e2")


@pytest.mark.parametrize(
    ("stream_output", "level"),
    [(True, logging.INFO), ("WARNING", logging.WARNING), (40, logging.ERROR)],
)
def test_stream_output_logs_each_line_at_its_level(caplog, stream_output, level):
    with caplog.at_level(logging.DEBUG, logger="prefect"):
        state = run_in_flow(ShellTask(stream_output=stream_output), command="echo s1; echo s2")
    assert state.result == "s2"
    assert shell_records(caplog) == [(level, "s1"), (level, "s2")]


def test_streamed_output_is_not_logged_again_on_failure(caplog):
    with caplog.at_level(logging.INFO, logger="prefect"):
        run_in_flow(
            ShellTask(stream_output=True, log_stderr=True), command="echo out; echo err >&2; exit 3"
        )
    assert shell_records(caplog) == [
        (logging.INFO, "out"),
        (logging.INFO, "err"),
        (logging.ERROR, "Command failed with exit code 3"),
    ]


def test_stream_output_levels_are_stored_as_numbers():
    assert ShellTask(stream_output=True).stream_output == logging.INFO
    assert ShellTask(stream_output="ERROR").stream_output == logging.ERROR
    assert ShellTask(stream_output=False).stream_output is False


@pytest.mark.parametrize("bad", ["debug", "bogus"])
def test_an_invalid_stream_level_is_refused_at_construction(bad):
    with pytest.raises(TypeError, match=f"'stream_output': Level {bad} is not a valid log level"):
        ShellTask(stream_output=bad)


def test_env_extends_the_process_environment(monkeypatch):
    monkeypatch.setenv("PARENT_VAR", "parent")
    task = ShellTask(env={"CHILD_VAR": "child"})
    assert run_in_flow(task, command="echo $CHILD_VAR-$PARENT_VAR").result == "child-parent"
    overridden = run_in_flow(task, command="echo $CHILD_VAR", env={"CHILD_VAR": "given"})
    assert overridden.result == "given"


def test_helper_script_runs_before_the_command(tmp_path):
    task = ShellTask(helper_script=f"cd {tmp_path}")
    assert run_in_flow(task, command="pwd").result == str(tmp_path)
    assert run_in_flow(task, command="echo $X", helper_script="X=from-run").result == "from-run"


def test_the_command_runs_as_a_script_in_the_chosen_shell():
    state = run_in_flow(ShellTask(shell="sh"), command="for i in 1 2 3; do echo n$i; done")
    assert state.result == "n3"
    script = run_in_flow(ShellTask(), command="echo $0").result
    assert "prefect-" in script


def test_missing_command_fails_the_run():
    state = run_in_flow(ShellTask())
    assert isinstance(state, Failed)
    assert isinstance(state.result, TypeError)
    assert "run() missing required argument: 'command'" in str(state.result)


def test_unknown_shell_fails_naming_it():
    state = run_in_flow(ShellTask(name="bad-shell", shell="no-such-shell-xyz"), command="echo a")
    assert isinstance(state.result, FileNotFoundError)
    assert "shell 'no-such-shell-xyz' was not found" in str(state.result)
    assert "bad-shell" in str(state.result)


def test_undecodable_bytes_are_replaced_not_fatal():
    state = run_in_flow(ShellTask(), command="printf 'ok\\xff\\n'")
    assert state.result == "ok\ufffd"


def test_shell_task_maps_over_commands():
    with Flow("mapped shell") as flow:
        echoed = ShellTask().map(command=["echo one", "echo two"])
    state = flow.run()
    assert state.result[echoed].result == ["one", "two"]
