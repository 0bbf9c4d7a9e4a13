"""The command line never shows a traceback for a user error.

Config errors, storage errors, unreadable files and bad arguments print one line,
`Error: ...`, and exit 1 (2 for usage errors); `--help` and `--version` work with a
broken config file; `results ls` reports what it could not read; `results clean`
removes abandoned temp files; `run -p` is checked against the flow before any task
runs.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from tests.cli.helpers import script
from tests.fixtures.servers import free_port, venv_script

BROKEN_TOML = "[flows\ncheckpointing = true\n"


def one_error_line(proc) -> str:
    """The single stderr line of a failed command (and that there is no traceback)."""
    lines = proc.stderr.splitlines()
    assert "Traceback" not in proc.stderr, proc.stderr
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("Error: "), proc.stderr
    return lines[0]


@pytest.fixture
def broken_config(cli, tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text(BROKEN_TOML)
    cli.env["PREFECT__USER_CONFIG_PATH"] = str(path)
    return path


# -- a broken config file ---------------------------------------------------------------


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["results", "--help"], ["-h"]])
def test_help_and_version_work_with_a_broken_config(cli, broken_config, args):
    proc = cli(*args)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    assert "prefect-compat" in proc.stdout


@pytest.mark.parametrize(
    "args", [["results", "ls"], ["run", script("squares_defined.py")], ["results", "clean", "."]]
)
def test_any_command_reports_a_broken_config_on_one_line(cli, broken_config, args):
    proc = cli(*args)
    assert proc.returncode == 1
    line = one_error_line(proc)
    assert line.startswith(f"Error: Config file {broken_config} is not valid TOML")
    assert "PREFECT__USER_CONFIG_PATH" in line
    assert proc.stdout == ""  # nothing ran


def test_the_installed_console_script_works_with_a_broken_config(cli, broken_config):
    command = venv_script("prefect-compat")
    done = subprocess.run(
        [command, "--version"], env=cli.env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("prefect-compat, version")
    done = subprocess.run(
        [command, "results", "ls"], env=cli.env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 1
    assert one_error_line(done).startswith(f"Error: Config file {broken_config} is not valid")


def test_the_library_still_raises_for_a_broken_config(cli, broken_config):
    proc = cli.python("import prefect_compat")
    assert proc.returncode == 1
    assert "ConfigError: Config file" in proc.stderr


# -- results ls / show / clean ----------------------------------------------------------


def test_ls_reports_an_unreadable_subdirectory(cli, tmp_path):
    root = tmp_path / "store"
    (root / "ok").mkdir(parents=True)
    (root / "ok" / "a.pkl").write_bytes(b"1")
    locked = root / "locked"
    locked.mkdir()
    (locked / "b.pkl").write_bytes(b"2")
    locked.chmod(0o000)
    try:
        proc = cli.bound_by_permissions("results", "ls", root)
    finally:
        locked.chmod(0o755)
    assert proc.returncode == 1
    assert "1 checkpoint files under" in proc.stdout
    assert "ok/a.pkl" in proc.stdout
    assert one_error_line(proc) == f"Error: cannot read {locked}: Permission denied"


def test_show_of_an_unreadable_file_is_one_line(cli, tmp_path):
    secret = tmp_path / "secret.pkl"
    secret.write_bytes(b"x")
    secret.chmod(0o000)
    proc = cli.bound_by_permissions("results", "show", secret)
    assert proc.returncode == 1
    line = one_error_line(proc)
    assert line.startswith(f"Error: cannot load {secret}: Cannot read")
    assert "Permission denied" in line


def test_show_of_a_directory_is_one_line(cli, tmp_path):
    proc = cli("results", "show", tmp_path)
    assert proc.returncode == 1
    assert "Is a directory" in one_error_line(proc)


def _temp(directory, age):
    path = directory / f".tmp-{age}.part"
    path.write_bytes(b"partial")
    os.utime(path, (time.time() - age, time.time() - age))
    return path


def test_clean_dry_run_lists_and_clean_removes_only_stale_temp_files(cli, tmp_path):
    root = tmp_path / "store"
    (root / "f" / "t").mkdir(parents=True)
    stale = [_temp(root, 7200), _temp(root / "f" / "t", 4000)]
    fresh = _temp(root / "f", 60)
    kept = root / "f" / "t" / "result.pkl"
    kept.write_bytes(b"done")

    dry = cli("results", "clean", root, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert sorted(dry.stdout.splitlines()[:-1]) == sorted(f"would remove {p}" for p in stale)
    assert dry.stdout.splitlines()[-1] == (
        f"2 temporary file(s) older than 3600s would be removed under {root}"
    )
    assert all(p.exists() for p in stale)

    done = cli("results", "clean", root)
    assert done.returncode == 0, done.stderr
    assert f"removed {stale[0]}" in done.stdout
    assert not any(p.exists() for p in stale)
    assert fresh.exists() and kept.exists()

    younger = cli("results", "clean", root, "--older-than", "30")
    assert f"removed {fresh}" in younger.stdout
    assert not fresh.exists() and kept.exists()


def test_clean_of_a_missing_directory_is_one_line(cli, tmp_path):
    proc = cli("results", "clean", tmp_path / "nope")
    assert proc.returncode == 1
    assert (
        one_error_line(proc)
        == f"Error: no results directory at {tmp_path / 'nope'} (it does not exist)"
    )


def test_clean_age_follows_the_config(cli, tmp_path):
    old = _temp(tmp_path, 600)
    proc = cli("results", "clean", tmp_path, PREFECT__RESULTS__LOCAL__STALE_TEMP_AGE="300")
    assert proc.returncode == 0, proc.stderr
    assert f"removed {old}" in proc.stdout


# -- run ------------------------------------------------------------------------------------


def _script(tmp_path, name, body):
    path = tmp_path / name
    path.write_text(body)
    return path


PARAM_FLOW = """\
from prefect import Flow, Parameter, task

@task
def show(n, label):
    print("RAN", repr(n), repr(label))

with Flow("typed") as flow:
    show(Parameter("n", default=3), Parameter("label", default="x"))

if __name__ == "__main__":
    flow.run()
"""


def test_a_param_of_the_wrong_type_stops_the_run_before_any_task(cli, tmp_path):
    proc = cli("run", _script(tmp_path, "typed.py", PARAM_FLOW), "-p", "n=abc")
    assert proc.returncode == 2
    assert one_error_line(proc) == (
        "Error: --param n=abc is a str, but parameter 'n' of flow 'typed' defaults to the int "
        "3; pass a int (e.g. -p n=3). Nothing was run."
    )
    assert "RAN" not in proc.stdout


def test_a_str_parameter_gets_the_text_as_typed(cli, tmp_path):
    proc = cli("run", _script(tmp_path, "typed.py", PARAM_FLOW), "-p", "label=007", "-p", "n=4")
    assert proc.returncode == 0, proc.stderr
    assert "RAN 4 '007'" in proc.stdout


def test_an_unknown_param_stops_a_defined_flow_before_it_runs(cli):
    proc = cli("run", script("squares_defined.py"), "-p", "nn=3", "--checkpoint")
    assert proc.returncode == 2
    assert "Flow 'squares' has no parameter 'nn'" in one_error_line(proc)
    assert [p for p in cli.results.rglob("*") if p.is_file()] == []


def test_a_bad_result_argument_in_a_script_is_one_line_naming_the_line(cli, tmp_path):
    body = (
        "from prefect import Flow, task\n"
        "from prefect.engine.results import LocalResult\n"
        "\n"
        "@task(result=LocalResult)\n"
        "def one():\n"
        "    return 1\n"
    )
    path = _script(tmp_path, "bad_result.py", body)
    proc = cli("run", path)
    assert proc.returncode == 1
    # Python 3.11 names the decorator's line for a decorated def, 3.9 and 3.10 the def
    line = 4 if sys.version_info >= (3, 11) else 5
    assert one_error_line(proc) == (
        f"Error: {path}:{line}: TypeError: Task 'one': result= expects a Result instance, got the "
        "class LocalResult. Pass an instance, e.g. result=LocalResult(...)."
    )


def test_a_dead_storage_endpoint_fails_the_flow_without_a_traceback(cli, tmp_path):
    dead = f"http://127.0.0.1:{free_port()}"
    body = (
        "from prefect import Flow, task\n"
        "from prefect.engine.results import S3Result\n"
        "\n"
        f"@task(result=S3Result('b', boto3_kwargs={{'endpoint_url': '{dead}'}}))\n"
        "def one():\n"
        "    return 1\n"
        "\n"
        "with Flow('dead-s3') as flow:\n"
        "    one()\n"
    )
    proc = cli(
        "run",
        _script(tmp_path, "dead.py", body),
        "--checkpoint",
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION="us-east-1",
        PREFECT__RESULTS__S3__MAX_ATTEMPTS="1",
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stdout + proc.stderr
    assert "Failed tasks (1):" in proc.stdout
    assert "one: Failed: Unexpected error: StorageError('Cannot write S3 bucket" in proc.stdout
    assert f"at {dead}: EndpointConnectionError" in proc.stdout
