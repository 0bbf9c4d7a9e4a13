"""croniter is imported when a CronClock is built, never by importing the package."""

from __future__ import annotations

import json
import subprocess
import sys

PROBE = """
import json, sys
import prefect_compat.schedules
from prefect_compat.schedules import IntervalSchedule, clocks
import datetime
IntervalSchedule(interval=datetime.timedelta(hours=1)).next(1)
before = "croniter" in sys.modules
clocks.CronClock("0 * * * *")
print(json.dumps([before, "croniter" in sys.modules]))
"""

MISSING = """
import sys
sys.modules["croniter"] = None  # what an environment without the package looks like
from prefect_compat.schedules import clocks
try:
    clocks.CronClock("0 * * * *")
except ImportError as exc:
    print(exc)
"""


def _run(code: str) -> str:
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def test_croniter_loads_only_for_a_cron_clock():
    assert json.loads(_run(PROBE)) == [False, True]


def test_missing_croniter_names_the_extra():
    assert _run(MISSING) == (
        "CronClock needs the 'croniter' package, which is not installed: "
        "pip install 'prefect-compat[cron]'"
    )
