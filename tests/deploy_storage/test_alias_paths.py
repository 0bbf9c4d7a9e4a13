"""`import prefect.schedules` and friends resolve through the alias to our modules.

The alias lives for the whole process, so the check runs in a fresh interpreter.
"""

from __future__ import annotations

import json
import subprocess
import sys

MODULES = [
    "prefect.schedules",
    "prefect.schedules.schedules",
    "prefect.schedules.clocks",
    "prefect.schedules.filters",
    "prefect.schedules.adjustments",
    "prefect.run_configs",
    "prefect.run_configs.base",
    "prefect.run_configs.local",
    "prefect.run_configs.docker",
    "prefect.run_configs.kubernetes",
    "prefect.run_configs.ecs",
    "prefect.run_configs.vertex",
    "prefect.storage",
    "prefect.storage.base",
    "prefect.storage.local",
    "prefect.storage.module",
    "prefect.storage.s3",
    "prefect.storage.gcs",
    "prefect.storage.azure",
    "prefect.storage.github",
    "prefect.storage.gitlab",
    "prefect.storage.bitbucket",
    "prefect.storage.codecommit",
    "prefect.storage.git",
    "prefect.storage.docker",
    "prefect.storage.webhook",
    "prefect.environments",
    "prefect.environments.execution",
    "prefect.environments.storage",
    "prefect.environments.storage.local",
    "prefect.environments.storage.s3",
]

PROBE = f"""
import importlib, json, sys
import prefect_compat
prefect_compat.install_alias()
report = {{}}
for name in {MODULES!r}:
    alias = importlib.import_module(name)
    real = sys.modules["prefect_compat" + name[len("prefect"):]]
    report[name] = alias is real
from prefect.schedules import IntervalSchedule, CronSchedule, Schedule, clocks
from prefect.run_configs import LocalRun
from prefect.storage import Local
from prefect.environments.storage import Local as Local013
from prefect.environments import LocalEnvironment
import prefect_compat.schedules as ours
report["classes"] = [
    Schedule is ours.Schedule,
    LocalRun.__module__,
    Local.__module__,
    issubclass(Local013, Local),
    LocalEnvironment.__name__,
]
heavy = ("boto3", "botocore", "google.cloud", "azure", "docker", "croniter", "kubernetes")
report["heavy"] = [m for m in heavy if m in sys.modules]
print("REPORT " + json.dumps(report))
"""


def test_prefect_paths_are_our_modules():
    proc = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120, check=False
    )
    assert proc.returncode == 0, proc.stderr
    line = next(ln for ln in proc.stdout.splitlines() if ln.startswith("REPORT "))
    report = json.loads(line[len("REPORT ") :])
    assert {name: report[name] for name in MODULES} == dict.fromkeys(MODULES, True)
    assert report["classes"] == [
        True,
        "prefect_compat.run_configs.local",
        "prefect_compat.storage.local",
        True,
        "LocalEnvironment",
    ]
    assert report["heavy"] == []
