"""Prefect 2.x-style flows: per-task-run cost of a @flow calling a @task N times.

  sequential  `my_task(i)` called N times in the flow body
  submit      `my_task.submit(i)` N times (default ConcurrentTaskRunner), then results
  persisted   `@task(persist_result=True)`: every call writes a result document

Targets on the 2-core reference machine: <= 50 us per sequential call, <= 100 us per
persisted call, >= 1000x faster than real Prefect 2.6.9.

Usage:  python benchmarks/v2_flow.py [--n 1000] [--home DIR] [--compare [--reference-n 50]]

Persisted runs write one file each, so their cost is mostly the file system's: the
script also prints what creating one small file costs in the same directory with
plain `open().write()` ("file create"), to tell the engine's share from the disk's.
`--home` picks where PREFECT_HOME (and so the storage directory) lives; the default
is a new temporary directory (try `--home /dev/shm/x` for a tmpfs).

`--compare` runs the same cases under real Prefect 2.6.9, whose Python is taken from
$PREFECT2_BENCH_PYTHON (a Python 3.10 venv with prefect==2.6.9 and the late-2022 pins
listed in docs/results-v2.md). Real 2.6.9 spends ~130 ms per task call, so it runs
`--reference-n` calls per case (default 50) after a warm-up flow; per-task-run figures
are compared. Both engines write results under a temporary PREFECT_HOME.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _harness  # noqa: E402

CASES = ("sequential", "submit", "persisted")


def add_options(parser):
    parser.add_argument("--n", type=int, default=1000, help="task calls per flow run")
    parser.add_argument(
        "--reference-n", type=int, default=50, help="task calls per flow run for real 2.6.9"
    )
    parser.add_argument("--home", help="PREFECT_HOME for the run (default: a new temp dir)")


def build(prefect, case, n):
    persist = case == "persisted"

    @prefect.task(persist_result=True if persist else None)
    def my_task(i):
        return i + 1

    if case == "submit":

        @prefect.flow
        def my_flow():
            futures = [my_task.submit(i) for i in range(n)]
            return sum(f.result() for f in futures)

    else:

        @prefect.flow
        def my_flow():
            total = 0
            for i in range(n):
                total += my_task(i)
            return total

    return my_flow, n * (n + 1) // 2


def measure(prefect, n, repeat):
    rows = []
    for case in CASES:
        my_flow, expected = build(prefect, case, n)
        result = {}

        def run(my_flow=my_flow, result=result):
            result["value"] = my_flow()

        seconds = _harness.best_time(run, repeat)
        if result["value"] != expected:
            raise SystemExit(f"{case}: flow returned {result['value']!r}, expected {expected}")
        rows.append(
            {
                "case": f"{case} N={n}",
                "kind": case,
                "seconds": seconds,
                "task_runs": n,
                "us_per_task": seconds / n * 1e6,
            }
        )
    return rows


def file_create_us(directory, n=500):
    """Microseconds to create and write one small new file in `directory`."""
    os.makedirs(directory, exist_ok=True)
    start = time.perf_counter()
    for i in range(n):
        with open(os.path.join(directory, f"probe-{i}"), "wb") as fh:
            fh.write(b"x" * 64)
    seconds = time.perf_counter() - start
    for i in range(n):
        os.unlink(os.path.join(directory, f"probe-{i}"))
    return seconds / n * 1e6


def reference_rows(args):
    python = os.environ.get("PREFECT2_BENCH_PYTHON")
    if not python:
        raise SystemExit(
            "--compare needs $PREFECT2_BENCH_PYTHON: the python of a Python 3.10 venv with "
            "prefect==2.6.9 and its late-2022 pins (see docs/results-v2.md)."
        )
    cmd = [python, __file__, "--engine", "prefect", "--json", "--n", str(args.reference_n)]
    env = dict(os.environ, PYTHONPATH="", PREFECT_LOGGING_LEVEL="WARNING")
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout
    return {r["kind"]: r for r in (json.loads(x) for x in out.splitlines() if x.startswith("{"))}


def main():
    args = _harness.parse_args(__doc__.splitlines()[0], add_options)
    if args.home:
        os.makedirs(args.home, exist_ok=True)
    home = tempfile.mkdtemp(prefix="v2-bench-", dir=args.home)
    try:
        run(args, home)
    finally:
        shutil.rmtree(home, ignore_errors=True)


def run(args, home):
    os.environ["PREFECT_HOME"] = home
    os.environ["PREFECT_LOCAL_STORAGE_PATH"] = os.path.join(home, "storage")
    prefect = _harness.load_prefect(args.engine)
    if args.engine == "prefect":  # warm up: the first run in a new home builds a database
        build(prefect, "sequential", 2)[0]()
        repeat = 1
    else:
        repeat = args.repeat
    rows = measure(prefect, args.n, repeat)
    if args.json:
        for row in rows:
            print(json.dumps(row))
        return
    reference = reference_rows(args) if args.compare else {}
    probe = os.path.join(home, "probe")
    print(f"storage under {home}: file create {file_create_us(probe):.1f} us per file")
    for row in rows:
        line = f"{row['case']:<18} {row['seconds']:8.4f} s  {row['us_per_task']:8.1f} us/task run"
        ref = reference.get(row["kind"])
        if ref:
            line += (
                f"   | prefect 2.6.9 (N={ref['task_runs']}): {ref['us_per_task'] / 1000:8.1f} "
                f"ms/task run -> {ref['us_per_task'] / row['us_per_task']:8.0f}x faster"
            )
        print(line, flush=True)


if __name__ == "__main__":
    main()
