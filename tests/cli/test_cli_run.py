"""`prefect-compat run`: real `import prefect` scripts from tests/cli/scripts, in subprocesses."""

from __future__ import annotations

import json
import pickle
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.helpers import REPO, script

ANSI = re.compile(r"\x1b\[")


def _run_dir(root: Path, flow_name: str) -> Path:
    """The one `<flow>/<flow_run_id>` directory `--result-dir` made for a run."""
    runs = list((root / flow_name).iterdir())
    assert len(runs) == 1, runs
    return runs[0]


def _load(path: Path):
    with path.open("rb") as fh:
        return pickle.load(fh)


# -- running flows ----------------------------------------------------------------------


def test_runs_the_flow_a_script_defines_with_params_and_result_dir(cli, tmp_path):
    out = tmp_path / "out"
    proc = cli("run", script("squares_defined.py"), "--param", "n=4", "--checkpoint",
               "--result-dir", out)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "Flow 'squares' finished: Success('All reference tasks succeeded.')" in proc.stdout
    assert "Task states: 1 Mapped, 7 Success" in proc.stdout
    run_dir = _run_dir(out, "squares")
    assert sorted(p.name for p in run_dir.iterdir()) == [
        "numbers.pkl",
        "square[0].pkl",
        "square[1].pkl",
        "square[2].pkl",
        "square[3].pkl",
        "total.pkl",
    ]
    assert _load(run_dir / "numbers.pkl") == [0, 1, 2, 3]
    assert _load(run_dir / "square[3].pkl") == 9
    assert _load(run_dir / "total.pkl") == 14
    assert f"Checkpoints: 6 written under {run_dir}" in proc.stdout
    assert "square[2].pkl" in proc.stdout
    assert not cli.results.exists()  # nothing went to the (isolated) default directory


def test_without_checkpointing_nothing_is_written(cli, tmp_path):
    out = tmp_path / "out"
    proc = cli("run", script("squares_defined.py"), "--result-dir", out)
    assert proc.returncode == 0, proc.stderr
    assert "Checkpoints: none written" in proc.stdout
    assert not (out / "squares").exists()


def test_a_script_that_runs_its_own_flow_checkpoints_to_the_default_dir(cli):
    proc = cli("run", script("runs_itself.py"))
    assert proc.returncode == 0, proc.stderr
    assert "total: 6" in proc.stdout
    # the legacy names are the very same classes: the script's isinstance checks see ours
    assert "state class: prefect_compat.engine.state Success" in proc.stdout
    assert "prefect is: prefect_compat" in proc.stdout
    assert "handler saw: 4 successes" in proc.stdout
    stored = cli.results / "runs-itself"
    names = sorted(p.name for p in stored.iterdir())
    assert names == ["double[0].pkl", "double[1].pkl", "numbers.pkl", "total.pkl"]
    assert _load(stored / "total.pkl") == 6
    assert f"Checkpoints: 4 written under {stored}" in proc.stdout
    # the run is observed exactly once, and the summary comes after the script's output
    assert proc.stdout.count("Flow 'runs-itself' finished: Success") == 1
    assert proc.stdout.index("total: 6") < proc.stdout.index("Flow 'runs-itself' finished")


def test_no_checkpoint_overrides_the_scripts_own_setting(cli):
    proc = cli("run", script("runs_itself.py"), "--no-checkpoint")
    assert proc.returncode == 0, proc.stderr
    assert "total: 6" in proc.stdout
    assert "Checkpoints: none written" in proc.stdout
    assert not (cli.results / "runs-itself").exists()


def test_param_overrides_the_parameter_of_a_flow_the_script_runs(cli):
    proc = cli("run", script("runs_itself.py"), "--param", "n=4")
    assert proc.returncode == 0, proc.stderr
    assert "total: 20" in proc.stdout  # 2 * (1 + 2 + 3 + 4)
    assert _load(cli.results / "runs-itself" / "total.pkl") == 20


def test_param_values_are_read_as_literals_else_strings(cli, tmp_path):
    source = tmp_path / "echo_params.py"
    source.write_text(
        "from prefect import Flow, Parameter, task\n"
        "@task\n"
        "def show(a, b, c):\n"
        "    print('PARAMS', repr(a), repr(b), repr(c))\n"
        "with Flow('echo') as flow:\n"
        "    show(Parameter('a'), Parameter('b'), Parameter('c'))\n"
    )
    proc = cli("run", source, "-p", "a=[1, 2]", "-p", "b=hello world", "-p", "c=true")
    assert proc.returncode == 0, proc.stderr
    assert "PARAMS [1, 2] 'hello world' True" in proc.stdout


def test_failed_flow_exits_1_and_names_the_failed_tasks(cli):
    proc = cli("run", script("failing_flow.py"))
    assert proc.returncode == 1, proc.stderr
    out = proc.stdout
    assert "Flow 'fails' finished: Failed('Some reference tasks failed.')" in out
    assert "Task states: 3 Failed" not in out
    assert "1 Failed" in out and "1 TriggerFailed" in out and "4 Success" in out
    assert "Failed tasks (2):" in out
    assert re.search(r"check\[2\]: Failed: .*ValueError\('bad input 3'\)", out), out
    assert re.search(r"report: TriggerFailed: ", out), out


def test_executor_local_is_accepted(cli):
    proc = cli("run", script("squares_defined.py"), "--executor", "local")
    assert proc.returncode == 0, proc.stderr
    assert "Flow 'squares' finished: Success" in proc.stdout


@pytest.mark.parametrize("executor", ["threads", "processes", "dask"])
def test_other_executors_run_the_script_and_checkpoint_from_workers(cli, tmp_path, executor):
    out = tmp_path / "out"
    proc = cli("run", script("failing_flow.py"), "--executor", executor, "--checkpoint",
               "--result-dir", out)  # fmt: skip
    assert proc.returncode == 1, proc.stderr
    assert "Flow 'fails' finished: Failed('Some reference tasks failed.')" in proc.stdout
    assert re.search(r"check\[2\]: Failed: .*ValueError\('bad input 3'\)", proc.stdout)
    # counts are exact even when the task runs happened in other processes
    assert "prefect-compat: Flow 'fails': 4 done, 2 failed, 0 running" in proc.stdout
    run_dir = _run_dir(out, "fails")
    names = sorted(p.name for p in run_dir.iterdir())
    assert names == ["check[0].pkl", "check[1].pkl", "check[3].pkl", "inputs.pkl"]
    assert _load(run_dir / "check[3].pkl") == 4


def test_flow_option_picks_one_of_several_flows(cli):
    proc = cli("run", script("two_flows.py"), "--flow", "second")
    assert proc.returncode == 0, proc.stderr
    assert "said: two" in proc.stdout
    assert "said: one" not in proc.stdout
    assert "Flow 'second' finished: Success" in proc.stdout


def test_script_runs_as_main_with_its_own_argv(cli):
    path = script("argv_main.py")
    proc = cli("run", path, "--", "--verbose", "x")
    assert proc.returncode == 0, proc.stderr
    line = next(ln for ln in proc.stdout.splitlines() if ln.startswith("ARGV "))
    seen = json.loads(line[len("ARGV ") :])
    assert seen == {"argv": [path, "--verbose", "x"], "file": path}
    assert "Flow 'argv' finished: Success" in proc.stdout


def test_not_a_terminal_gives_plain_progress_lines(cli):
    proc = cli("run", script("squares_defined.py"))
    assert proc.returncode == 0, proc.stderr
    assert "prefect-compat: Flow 'squares' started (4 tasks)" in proc.stdout
    assert re.search(r"prefect-compat: Flow 'squares': 6 done, 0 failed, 0 running", proc.stdout)
    assert not ANSI.search(proc.stdout)


def test_the_readme_demo_runs_and_checkpoints_to_the_default_dir(cli):
    proc = cli("run", REPO / "examples" / "demo_flow.py", "--param", "n=3")
    assert proc.returncode == 0, proc.stderr
    assert "total = 14" in proc.stdout
    run_dir = next((cli.results / "demo").iterdir())
    names = sorted(p.name for p in run_dir.iterdir())
    assert names == ["numbers.pkl", "square[0].pkl", "square[1].pkl", "square[2].pkl", "total.pkl"]
    assert _load(run_dir / "total.pkl") == 14
    assert f"Checkpoints: 5 written under {run_dir}" in proc.stdout
    # it says where it writes before the flow runs
    announced = f"demo: checkpoints go to {cli.results}/demo/<flow run id>/"
    assert proc.stdout.index(announced) < proc.stdout.index("Beginning Flow run")


def test_console_script_is_installed_and_runs(cli):
    exe = Path(sys.executable).with_name("prefect-compat")
    proc = subprocess.run(
        [str(exe), "run", script("squares_defined.py"), "-p", "n=2"],
        cwd=str(cli.cwd),
        env=cli.env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Flow 'squares' finished: Success" in proc.stdout


# -- usage errors (exit 2) and script failures (exit 1) ---------------------------------


def test_missing_script_is_a_usage_error(cli, tmp_path):
    proc = cli("run", tmp_path / "nope.py")
    assert proc.returncode == 2
    assert f"Script '{tmp_path / 'nope.py'}' does not exist." in proc.stderr


def test_unparsable_script_is_a_usage_error(cli, tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from prefect import Flow\n\ndef broken(:\n    pass\n")
    proc = cli("run", bad)
    assert proc.returncode == 2
    assert f"Script '{bad}' does not parse: {bad}:3:" in proc.stderr


def test_unknown_param_names_the_flows_parameters(cli):
    proc = cli("run", script("squares_defined.py"), "--param", "m=1")
    assert proc.returncode == 2
    assert "Flow 'squares' has no parameter 'm'; its parameters are: n (default 3)." in (
        proc.stderr
    )
    assert "finished" not in proc.stdout  # nothing ran


def test_missing_required_param_is_a_usage_error(cli, tmp_path):
    source = tmp_path / "required.py"
    source.write_text(
        "from prefect import Flow, Parameter, task\n"
        "@task\n"
        "def show(x):\n"
        "    return x\n"
        "with Flow('needs-x') as flow:\n"
        "    show(Parameter('x'))\n"
    )
    proc = cli("run", source)
    assert proc.returncode == 2
    assert "Flow 'needs-x' requires --param for 'x'; its parameters are: x (required)." in (
        proc.stderr
    )


def test_unknown_param_for_a_flow_the_script_runs_stops_it_before_any_task(cli):
    proc = cli("run", script("runs_itself.py"), "--param", "zzz=1")
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [
        "Error: --param 'zzz' matched no parameter of flow 'runs-itself' (its parameters "
        "are: n (default 2)) or of another flow the script defines; nothing was run."
    ]
    assert "total:" not in proc.stdout  # the script's flow.run() raised: nothing ran
    assert [p for p in cli.results.rglob("*") if p.is_file()] == []  # no checkpoint written


def test_malformed_param_is_a_usage_error(cli):
    proc = cli("run", script("squares_defined.py"), "--param", "novalue")
    assert proc.returncode == 2
    assert "expected KEY=VALUE, got 'novalue'" in proc.stderr


def test_several_flows_without_flow_option_is_a_usage_error(cli):
    proc = cli("run", script("two_flows.py"))
    assert proc.returncode == 2
    assert "defines 2 flows ('first', 'second'); pick one: --flow NAME" in proc.stderr


def test_unknown_flow_name_lists_the_defined_flows(cli):
    proc = cli("run", script("two_flows.py"), "--flow", "third")
    assert proc.returncode == 2
    assert "No flow named 'third'" in proc.stderr
    assert "it defines 'first', 'second'" in proc.stderr


def test_script_without_flow_is_a_usage_error(cli):
    proc = cli("run", script("no_flow.py"))
    assert proc.returncode == 2
    assert "no flow here, prefect prefect_compat" in proc.stdout
    assert "ran no flow and defines no Flow at module level" in proc.stderr


def test_script_that_raises_exits_1_with_its_traceback(cli):
    proc = cli("run", script("raises.py"))
    assert proc.returncode == 1
    assert "RuntimeError: script broke on purpose" in proc.stderr
    assert 'raises.py", line 5' in proc.stderr


def test_unknown_executor_is_a_usage_error(cli):
    proc = cli("run", script("squares_defined.py"), "--executor", "warp")
    assert proc.returncode == 2
    assert "'warp' is not one of 'local', 'threads', 'processes', 'dask'" in proc.stderr


# -- the command group ------------------------------------------------------------------


def test_help_lists_every_command_without_importing_them(cli):
    proc = cli.python(
        "import sys\n"
        "from prefect_compat.cli.main import main\n"
        "try:\n"
        "    main(['--help'], prog_name='prefect-compat')\n"
        "except SystemExit:\n"
        "    pass\n"
        "loaded = [m for m in ('prefect_compat.cli.run', 'prefect_compat.cli.results',\n"
        "          'prefect_compat.cli.migrate', 'rich', 'libcst') if m in sys.modules]\n"
        "print('LOADED', loaded)\n"
    )
    assert proc.returncode == 0, proc.stderr
    for name in ("run", "results", "migrate"):
        assert re.search(rf"^\s+{name}\s+\S", proc.stdout, re.MULTILINE), proc.stdout
    assert "LOADED []" in proc.stdout


def test_a_missing_subcommand_module_is_a_clear_usage_error():
    from click.testing import CliRunner

    from prefect_compat.cli import main as main_module

    saved = dict(main_module.COMMANDS)
    main_module.COMMANDS["ghost"] = ("prefect_compat.cli._no_such_module", "ghost", "Gone.")
    try:
        result = CliRunner().invoke(main_module.main, ["ghost"])
    finally:
        main_module.COMMANDS.clear()
        main_module.COMMANDS.update(saved)
    assert result.exit_code == 2
    assert "`prefect-compat ghost` is not available in this installation" in result.output


def test_python_dash_m_and_version(cli):
    proc = cli("--version")
    assert proc.returncode == 0
    import prefect_compat

    assert prefect_compat.__version__ in proc.stdout


def test_a_flow_run_with_a_flow_runner_built_by_hand_is_observed_and_runs_once(cli, tmp_path):
    """`FlowRunner(flow=f).run()` (not the configured runner class) is still seen by the
    CLI: it gets `--param` values and a summary, and the CLI does not run the flow again."""
    marks = tmp_path / "marks.txt"
    proc = cli("run", script("runs_with_flow_runner.py"), "-p", "n=5", "--", str(marks))
    assert proc.returncode == 0, proc.stderr
    assert marks.read_text() == "ran\n"
    assert "script saw Success" in proc.stdout
    assert "Flow 'by-hand' finished: Success('All reference tasks succeeded.')" in proc.stdout
    assert proc.stdout.count("Beginning Flow run for 'by-hand'") == 1


def test_a_reader_that_stops_early_ends_the_output_quietly(cli):
    """`prefect-compat run script.py | head -3`: once the pipe closes, later log records
    and the summary go nowhere, without a traceback per record."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "prefect_compat", "run", script("many_tasks.py")],
        cwd=str(cli.cwd),
        env=cli.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    first = [proc.stdout.readline() for _ in range(3)]
    proc.stdout.close()  # the reader goes away, as `head -3` does
    _, err = proc.communicate(timeout=120)
    assert all(first), first
    assert "Logging error" not in err
    assert "BrokenPipeError" not in err
    assert proc.returncode == 1  # the script's flow has a failing task


# -- Prefect 2.x scripts ------------------------------------------------------------------

V2_CALLED = """
from prefect import flow, task

@task
def double(x):
    return 2 * x

@flow
def doubled(x: int = 2):
    return double(x)

print("value", doubled())
"""

V2_DEFINED = """
from prefect import flow

@flow
def greet(name, times: int = 1):
    print("greeting " + name * times)
"""

V2_FAILING = """
from prefect import flow

@flow
def broken():
    raise ValueError("no good")

broken(return_state=True)
"""


def test_a_script_calling_a_2x_flow_is_a_run_of_the_script(cli, tmp_path):
    path = tmp_path / "called.py"
    path.write_text(V2_CALLED)
    proc = cli("run", path)
    assert proc.returncode == 0, proc.stderr
    assert "value 4" in proc.stdout
    assert "Flow run '" in proc.stdout and "Finished in state Completed()" in proc.stdout
    assert "ran no flow" not in proc.stderr


def test_a_2x_flow_the_script_only_defines_runs_with_its_params(cli, tmp_path):
    path = tmp_path / "defined.py"
    path.write_text(V2_DEFINED)
    proc = cli("run", path, "--param", "name=ab", "--param", "times=2")
    assert proc.returncode == 0, proc.stderr
    assert "greeting abab" in proc.stdout
    missing = cli("run", path)
    assert missing.returncode == 2
    assert "Flow 'greet' requires --param for 'name'; its parameters are: name, times." in (
        missing.stderr
    )
    unknown = cli("run", path, "--param", "nme=x")
    assert unknown.returncode == 2 and "has no parameter 'nme'" in unknown.stderr


def test_a_failed_2x_flow_run_fails_the_script_run(cli, tmp_path):
    path = tmp_path / "failing.py"
    path.write_text(V2_FAILING)
    proc = cli("run", path)
    assert proc.returncode == 1
    assert "Finished in state Failed('Flow run encountered an exception. ValueError: no good" in (
        proc.stdout
    )


def test_prefect_variables_a_script_sets_before_importing_prefect_apply(cli, tmp_path):
    """As with real Prefect, which reads them at `import prefect`: the CLI imported
    prefect-compat before the script ran, and the alias reloads the config then."""
    home = tmp_path / "script-home"
    proc = cli("run", script("sets_env_then_imports.py"), SCRIPT_HOME=str(home))
    assert proc.returncode == 0, proc.stderr
    assert f"config: True {home}" in proc.stdout
    assert "task saw: (True, 'abc')" in proc.stdout
    assert "INFO - prefect" not in proc.stdout  # PREFECT__LOGGING__LEVEL=WARNING applied


def test_the_same_script_under_the_plain_alias(cli, tmp_path):
    home = tmp_path / "alias-home"
    code = (
        "import prefect_compat, runpy, sys; prefect_compat.install_alias(); "
        f"sys.argv = ['s', {str(home)!r}]; runpy.run_path({script('sets_env_then_imports.py')!r})"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=str(tmp_path), env=cli.env,
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert f"config: True {home}" in proc.stdout
    assert "task saw: (True, 'abc')" in proc.stdout
