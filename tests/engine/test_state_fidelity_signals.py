"""ENDRUN's exception args follow the release: ("",) in 1.x, () in 0.13.

Prefect 1.4.1: `repr(ENDRUN(state)) == "ENDRUN('')"`; 0.13.19: `"ENDRUN()"`. Both
pickle with their state. The signal base is chosen at import, so the 0.13 case runs
in a fresh interpreter.
"""

from __future__ import annotations

import pickle

from prefect_compat.engine import signals
from prefect_compat.engine.state import Success
from tests.fixtures.fresh import fresh_python

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
    printed = fresh_python(
        SCRIPT,
        tmp_path,
        PREFECT__HOME_DIR=str(tmp_path / "home"),
        PREFECT__COMPAT__PREFECT_VERSION="0.13",
    )
    assert printed == ['ENDRUN() () <Success: "s">']
