"""A non-boolean checkpointing value is reported once, and still means "off".

Prefect 1.4.1 (and 0.13) enable checkpointing only for the boolean true, so
PREFECT__FLOWS__CHECKPOINTING=maybe, 1 or yes silently leave it off. We keep that
behaviour and say so: one UserWarning naming the key, the value and where it came
from.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from prefect_compat import _config
from tests.cli.helpers import REPO


@pytest.mark.parametrize(("raw", "value"), [("maybe", "'maybe'"), ("1", "1"), ("yes", "'yes'")])
def test_an_env_value_that_is_not_a_boolean_warns_once(raw, value):
    with pytest.warns(UserWarning) as caught:
        tree = _config.load_configuration(env={"PREFECT__FLOWS__CHECKPOINTING": raw})
    messages = [str(w.message) for w in caught if "checkpointing" in str(w.message)]
    assert messages == [
        f"Config key flows.checkpointing is {value} (from environment variable "
        "PREFECT__FLOWS__CHECKPOINTING), which is not true or false: it counts as false, so "
        "checkpointing stays off (as in Prefect). Set it to true or false."
    ]
    assert tree["flows"]["checkpointing"] is not True


def test_a_file_value_names_the_file(tmp_path):
    user = tmp_path / "config.toml"
    user.write_text('[flows]\ncheckpointing = "on"\n')
    expected = rf"flows\.checkpointing is 'on' \(from config file {user}"
    with pytest.warns(UserWarning, match=expected):
        _config.load_configuration(user_config_path=str(user), env={})


@pytest.mark.parametrize("raw", ["true", "False", "TRUE"])
def test_booleans_do_not_warn(raw, recwarn):
    tree = _config.load_configuration(env={"PREFECT__FLOWS__CHECKPOINTING": raw})
    assert isinstance(tree["flows"]["checkpointing"], bool)
    assert not [w for w in recwarn if "checkpointing" in str(w.message)]


def test_at_import_the_warning_appears_once_and_nothing_is_checkpointed(tmp_path):
    code = (
        "import os, prefect_compat\n"
        "from prefect_compat import Flow, task\n"
        "from prefect_compat.engine.results import LocalResult\n"
        "@task(result=LocalResult(dir=os.environ['OUT'], location='v.pkl'))\n"
        "def one():\n"
        "    return 1\n"
        "with Flow('f') as flow:\n"
        "    one()\n"
        "print('STATE', flow.run().is_successful())\n"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(REPO),
        "PREFECT__FLOWS__CHECKPOINTING": "maybe",
        "PREFECT__USER_CONFIG_PATH": str(tmp_path / "none.toml"),
        "PREFECT__HOME_DIR": str(tmp_path / "home"),
        "OUT": str(tmp_path / "out"),
    }
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "STATE True" in done.stdout
    assert done.stderr.count("flows.checkpointing is 'maybe'") == 1
    assert not (tmp_path / "out" / "v.pkl").exists()  # behaviour stays Prefect's: off
