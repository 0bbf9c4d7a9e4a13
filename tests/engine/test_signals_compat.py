"""`compat.prefect_version` picks the signal hierarchy: 1.x BaseExceptions or 0.13 Exceptions.

The choice is made when `prefect_compat.engine.signals` is first imported, so each
case runs in a fresh interpreter.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.fixtures.fresh import fresh_python

SCRIPT = """
from prefect_compat import Flow, task
from prefect_compat.engine import signals

@task
def swallow():
    try:
        raise signals.TRIGGERFAIL("not this time")
    except Exception:
        return "caught by except Exception"

with Flow("f") as flow:
    t = swallow()
state = flow.run().result[t]
print(issubclass(signals.TRIGGERFAIL, Exception), issubclass(signals.ENDRUN, Exception))
print(type(state).__name__, state.result if state.is_successful() else state.message)
import pickle
from prefect_compat.engine.state import Success
print(type(pickle.loads(pickle.dumps(signals.ENDRUN(Success("s")))).state).__name__)
"""


@pytest.mark.parametrize(
    ("version", "expected"),
    [
        (None, ["False False", "TriggerFailed not this time", "Success"]),
        ("1", ["False False", "TriggerFailed not this time", "Success"]),
        ("0.13", ["True True", "Success caught by except Exception", "Success"]),
    ],
)
def test_triggerfail_is_a_base_exception_in_1x_and_an_exception_in_013(tmp_path, version, expected):
    env = {"PREFECT__HOME_DIR": str(tmp_path / "home")}  # its run journal too
    if version is not None:
        env["PREFECT__COMPAT__PREFECT_VERSION"] = version
    lines = fresh_python(SCRIPT, tmp_path, **env)
    printed = [line for line in lines if not line.startswith("[")]  # no log lines
    assert printed == expected


def test_an_unsupported_prefect_version_setting_fails_at_import_naming_the_key(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT__")}
    env["PREFECT__COMPAT__PREFECT_VERSION"] = "0.12"
    proc = subprocess.run(
        [sys.executable, "-c", "import prefect_compat"],
        env=env,
        cwd=str(tmp_path),
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode != 0
    assert 'compat.prefect_version = 0.12 is not supported: use "1"' in proc.stderr
