"""ENDRUN's exception args follow the release: ("",) in 1.x, () in 0.13.

Prefect 1.4.1: `repr(ENDRUN(state)) == "ENDRUN('')"`; 0.13.19: `"ENDRUN()"`. Both
pickle with their state. The signal base is chosen at import, so the 0.13 case runs
in a fresh interpreter.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys

from prefect_compat.engine import signals
from prefect_compat.engine.state import Success

SCRIPT = """
import pickle
from prefect_compat.engine import signals
from prefect_compat.engine.state import Success
e = signals.ENDRUN(Success("s"))
print(repr(e), e.args, repr(pickle.loads(pickle.dumps(e)).state))
"""


def test_endrun_in_1x():
    e = signals.ENDRUN(Success("s"))
    assert (repr(e), e.args, str(e)) == ("ENDRUN('')", ("",), "")
    assert pickle.loads(pickle.dumps(e)).state == Success("s")


def test_endrun_in_013(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT__")}
    env["PREFECT__HOME_DIR"] = str(tmp_path / "home")
    env["PREFECT__COMPAT__PREFECT_VERSION"] = "0.13"
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        env=env,
        cwd=str(tmp_path),
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == 'ENDRUN() () <Success: "s">'
