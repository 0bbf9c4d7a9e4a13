"""`prefect-compat config set|unset|view`: the profile file and lines of Prefect 2.6.9."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys

import pytest

from tests.cli.helpers import CLI


@pytest.fixture
def config(tmp_path):
    """Runs `python -m prefect_compat config ...` with PREFECT_HOME in tmp_path."""
    cli = CLI(tmp_path)
    home = tmp_path / "prefect-home"
    for name in list(cli.env):
        if name.startswith("PREFECT_") and not name.startswith("PREFECT__"):
            del cli.env[name]
    cli.env["PREFECT_HOME"] = str(home)
    cli.profiles = home / "profiles.toml"
    return cli


def test_set_writes_the_profile_as_prefect_does(config):
    done = config("config", "set", "PREFECT_RESULTS_PERSIST_BY_DEFAULT=true")
    assert done.returncode == 0, done.stderr
    assert done.stdout == (
        "Set 'PREFECT_RESULTS_PERSIST_BY_DEFAULT' to 'true'.\nUpdated profile 'default'.\n"
    )
    assert config.profiles.read_text() == (
        'active = "default"\n\n[profiles.default]\nPREFECT_RESULTS_PERSIST_BY_DEFAULT = "true"\n'
    )


def test_set_several_then_view_then_unset(config):
    config("config", "set", "PREFECT_RESULTS_PERSIST_BY_DEFAULT=true")
    done = config(
        "config",
        "set",
        "PREFECT_LOCAL_STORAGE_PATH=/tmp/x",
        "PREFECT_RESULTS_DEFAULT_SERIALIZER=json",
    )
    assert done.stdout.splitlines() == [
        "Set 'PREFECT_LOCAL_STORAGE_PATH' to '/tmp/x'.",
        "Set 'PREFECT_RESULTS_DEFAULT_SERIALIZER' to 'json'.",
        "Updated profile 'default'.",
    ]
    view = config("config", "view")
    assert view.returncode == 0
    assert view.stdout.splitlines() == [
        "PREFECT_PROFILE='default'",
        f"PREFECT_HOME='{config.env['PREFECT_HOME']}' (from env)",
        "PREFECT_LOCAL_STORAGE_PATH='/tmp/x' (from profile)",
        "PREFECT_RESULTS_DEFAULT_SERIALIZER='json' (from profile)",
        "PREFECT_RESULTS_PERSIST_BY_DEFAULT='True' (from profile)",
    ]
    done = config("config", "unset", "PREFECT_LOCAL_STORAGE_PATH")
    assert done.stdout.splitlines() == [
        "Unset 'PREFECT_LOCAL_STORAGE_PATH'.",
        "Updated profile 'default'.",
    ]
    assert config.profiles.read_text() == (
        'active = "default"\n\n[profiles.default]\nPREFECT_RESULTS_PERSIST_BY_DEFAULT = "true"\n'
        'PREFECT_RESULTS_DEFAULT_SERIALIZER = "json"\n'
    )


def test_view_flags(config):
    config("config", "set", "PREFECT_RESULTS_DEFAULT_SERIALIZER=json")
    lines = config("config", "view", "--show-defaults", "--hide-sources").stdout.splitlines()
    assert "PREFECT_RESULTS_DEFAULT_SERIALIZER='json'" in lines
    assert "PREFECT_ASYNC_FETCH_STATE_RESULT='False'" in lines
    assert f"PREFECT_LOCAL_STORAGE_PATH='{config.env['PREFECT_HOME']}/storage'" in lines
    env_wins = config("config", "view", PREFECT_RESULTS_DEFAULT_SERIALIZER="compressed/json")
    assert "PREFECT_RESULTS_DEFAULT_SERIALIZER='compressed/json' (from env)" in env_wins.stdout


def test_a_new_process_reads_the_profile_and_env_still_wins(config):
    config("config", "set", "PREFECT_RESULTS_PERSIST_BY_DEFAULT=true")
    code = (
        "from prefect_compat import settings as S; "
        "print(S.PREFECT_RESULTS_PERSIST_BY_DEFAULT.value())"
    )
    assert config.python(code).stdout.strip() == "True"
    config.env["PREFECT_RESULTS_PERSIST_BY_DEFAULT"] = "false"
    assert config.python(code).stdout.strip() == "False"


def test_set_warns_when_the_environment_overrides(config):
    done = config(
        "config",
        "set",
        "PREFECT_RESULTS_PERSIST_BY_DEFAULT=false",
        PREFECT_RESULTS_PERSIST_BY_DEFAULT="1",
    )
    assert done.returncode == 0
    assert done.stdout.splitlines() == [
        "Set 'PREFECT_RESULTS_PERSIST_BY_DEFAULT' to 'false'.",
        "PREFECT_RESULTS_PERSIST_BY_DEFAULT is also set by an environment variable which will "
        "override your config value. Run `unset PREFECT_RESULTS_PERSIST_BY_DEFAULT` to clear it.",
        "Updated profile 'default'.",
    ]


def test_active_profile_is_the_one_updated(config):
    config.profiles.parent.mkdir(parents=True)
    config.profiles.write_text('active = "other"\n\n[profiles.default]\n\n[profiles.other]\n')
    done = config("config", "set", "PREFECT_RESULTS_DEFAULT_SERIALIZER=pickle")
    assert done.stdout.splitlines()[-1] == "Updated profile 'other'."
    assert config.profiles.read_text() == (
        'active = "other"\n\n[profiles.default]\n\n[profiles.other]\n'
        'PREFECT_RESULTS_DEFAULT_SERIALIZER = "pickle"\n'
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("set", "NOT_A_SETTING=1"), "Unknown setting name 'NOT_A_SETTING'."),
        (("unset", "NOT_A_SETTING"), "Unknown setting name 'NOT_A_SETTING'."),
        (
            ("set", "PREFECT_RESULTS_PERSIST_BY_DEFAULT"),
            "Failed to parse argument 'PREFECT_RESULTS_PERSIST_BY_DEFAULT'. "
            "Use the format 'VAR=VAL'.",
        ),
        (
            ("set", "PREFECT_RESULTS_PERSIST_BY_DEFAULT=notbool"),
            "Validation error for setting 'PREFECT_RESULTS_PERSIST_BY_DEFAULT': "
            "value could not be parsed to a boolean\nInvalid setting value.",
        ),
        (("unset", "PREFECT_HOME"), "'PREFECT_HOME' is not set in profile 'default'."),
    ],
)
def test_bad_input_exits_1_and_writes_nothing(config, args, message):
    done = config("config", *args)
    assert done.returncode == 1
    assert done.stdout.startswith(message)
    assert not config.profiles.exists()


def test_a_bad_value_in_the_profile_can_still_be_unset(config):
    config.profiles.parent.mkdir(parents=True)
    config.profiles.write_text('[profiles.default]\nPREFECT_RESULTS_PERSIST_BY_DEFAULT = "maybe"\n')
    view = config("config", "view")
    assert view.returncode == 1
    assert "Invalid value 'maybe' for setting PREFECT_RESULTS_PERSIST_BY_DEFAULT" in view.stdout
    assert config("config", "unset", "PREFECT_RESULTS_PERSIST_BY_DEFAULT").returncode == 0
    assert config("config", "view").returncode == 0


def test_profile_file_is_private(config):
    config("config", "set", "PREFECT_RESULTS_PERSIST_BY_DEFAULT=true")
    assert stat.S_IMODE(os.stat(config.profiles).st_mode) == 0o600


def test_console_script_runs_the_same_command(config):
    script = shutil.which("prefect-compat", path=os.path.dirname(sys.executable))
    assert script is not None
    done = subprocess.run(
        [script, "config", "set", "PREFECT_ASYNC_FETCH_STATE_RESULT=true"],
        env=config.env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert (
        done.stdout
        == "Set 'PREFECT_ASYNC_FETCH_STATE_RESULT' to 'true'.\nUpdated profile 'default'.\n"
    )


def test_help_lists_the_config_command(config):
    assert "config" in config("--help").stdout
