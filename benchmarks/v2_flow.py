"""Prefect 2.x-style flows: per-task-run cost of a @flow calling a @task N times.

  sequential  `my_task(i)` called N times in the flow body
  submit      `my_task.submit(i)` N times (default ConcurrentTaskRunner), then results
  persisted   `@task(persist_result=True)`: every call writes a result document

Targets on the 2-core reference machine: <= 50 us per sequential call, <= 100 us per
persisted call, >= 1000x faster than real Prefect 2.6.9.

Usage:  python benchmarks/v2_flow.py [--n 1000 | --n 100,300,1000] [--home DIR]
            [--levels INFO,WARNING] [--record FILE] [--baseline SRC]
            [--compare [--reference-n 50]]

Like the other scripts (see _harness.py), each figure is measured at INFO (the default:
each call logs 2.x's "Created task run ...", "Executing ... immediately..." and
"Finished in state ..." lines) and at WARNING, each in a fresh process whose log goes
to a drained pipe; `--record FILE` appends a JSON record that `plot.py` draws as the
"(2.x API)" panels of per_task_vs_n.png.

Persisted runs write one file each, so their cost is mostly the file system's: each
process also measures what creating one small file costs in the same directory with
plain `open().write()` ("file create"), to tell the engine's share from the disk's.
`--home` picks where PREFECT_HOME (and so the storage directory) lives; the default
is a new temporary directory (try `--home /dev/shm/x` for a tmpfs).

`--compare` runs the same cases under real Prefect 2.6.9, whose Python is taken from
$PREFECT2_BENCH_PYTHON (a Python 3.10 venv with prefect==2.6.9 and the late-2022 pins
listed in docs/results-v2.md). Real 2.6.9 spends ~130+ ms per task call, so it runs
`--reference-n` calls per case (default 50) after a warm-up flow; per-task-run figures
are compared. Every process writes its results under a new temporary PREFECT_HOME.
"""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _harness  # noqa: E402

CASES = ("sequential", "submit", "persisted")


def add_options(parser):
    parser.add_argument(
        "--n", default="1000", help="task calls per flow run, comma-separated (default 1000)"
    )
    parser.add_argument(
        "--reference-n", type=int, default=50, help="task calls per flow run for real 2.6.9"
    )
    parser.add_argument("--home", help="where PREFECT_HOME is made (default: a temp dir)")


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


def measure(prefect, args):
    """Rows for every case and N in this process (its PREFECT_HOME was set by main)."""
    sizes = sorted({int(v) for v in str(args.n).split(",") if v})
    if args.engine == "prefect":  # ~130+ ms per call: a few calls, after a warm-up flow
        sizes = sorted({min(n, args.reference_n) for n in sizes})
        build(prefect, "sequential", 2)[0]()
    home = os.environ["PREFECT_HOME"]
    probe = file_create_us(os.path.join(home, "probe"))
    rows = []
    for n in sizes:
        if args.max_n is not None and n > args.max_n:
            continue
        for case in CASES:
            my_flow, expected = build(prefect, case, n)
            result = {}

            def run(my_flow=my_flow, result=result):
                result["value"] = my_flow()

            seconds = _harness.best_time(run, args.repeat)
            if result["value"] != expected:
                raise SystemExit(f"{case}: flow returned {result['value']!r}, expected {expected}")
            rows.append(
                _harness.row(
                    f"{case} N={n}", seconds, n, shape=case, kind=case, n=n, file_create_us=probe
                )
            )
    return rows


def summarize(rows):
    """The file-create probe per level, and each case against real 2.6.9 (its own N)."""
    for level in sorted({r["level"] for r in rows}):
        ours = [r for r in rows if r["level"] == level and r["role"] == "ours"]
        if ours:
            probe = min(r["file_create_us"] for r in ours)
            print(f"{level:<8} file create in the storage directory: {probe:.1f} us")
        for ref in (r for r in rows if r["level"] == level and r["role"] == "reference"):
            mine = [r for r in ours if r["kind"] == ref["kind"]]
            if mine:
                best = min(mine, key=lambda r: r["us_per_task"])
                print(
                    f"{level:<8} {ref['kind']:<10} {ref['engine']} (N={ref['n']}): "
                    f"{ref['us_per_task'] / 1000:.1f} ms/task run -> "
                    f"{ref['us_per_task'] / best['us_per_task']:.0f}x ours "
                    f"({best['us_per_task']:.1f} us, N={best['n']})"
                )


def _child_home(argv):
    """A new PREFECT_HOME for this measuring process, removed at exit; the 2.x log level."""
    home = tempfile.mkdtemp(prefix="v2-bench-", dir=_option(argv, "--home"))
    atexit.register(shutil.rmtree, home, True)
    os.environ["PREFECT_HOME"] = home
    os.environ["PREFECT_LOCAL_STORAGE_PATH"] = os.path.join(home, "storage")
    level = _option(argv, "--log-level")
    if level:  # real 2.6.9 reads its own setting; prefect-compat the 1.x one (_harness)
        os.environ["PREFECT_LOGGING_LEVEL"] = level


def _option(argv, name):
    for i, arg in enumerate(argv):
        if arg == name and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    return None


def main():
    argv = sys.argv[1:]
    if _option(argv, "--home"):
        os.makedirs(_option(argv, "--home"), exist_ok=True)
    if "--json-out" in argv or "--json" in argv:
        _child_home(argv)
    elif "--compare" in argv:
        python = os.environ.get("PREFECT2_BENCH_PYTHON")
        if not python:
            raise SystemExit(
                "--compare needs $PREFECT2_BENCH_PYTHON: the python of a Python 3.10 venv with "
                "prefect==2.6.9 and its late-2022 pins (see docs/results-v2.md)."
            )
        os.environ["PREFECT_BENCH_PYTHON"] = python  # the harness's reference interpreter
    _harness.main(__file__, __doc__.splitlines()[0], measure, add_options, summarize)


if __name__ == "__main__":
    main()
