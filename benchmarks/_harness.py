"""Shared benchmark plumbing: pick the engine, time a callable, compare with Prefect.

Every benchmark script runs unchanged on both engines: `--engine compat` (default)
imports `prefect_compat` under the name `prefect`; `--engine prefect` imports the
real package, which only exists in a scratch venv outside this repo. `--compare`
re-runs the script in that venv and prints the ratio of the two timings measured in
the same invocation (machines are noisy: compare ratios, not absolute numbers).

The scratch venv is taken from $PREFECT_BENCH_PYTHON, else created on first use at
~/.cache/prefect-compat-bench/prefect-1.4.1 (pip install prefect==1.4.1).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Callable

BENCH_VENV = Path.home() / ".cache" / "prefect-compat-bench" / "prefect-1.4.1"


def parse_args(description: str, extra: Callable[[argparse.ArgumentParser], None] | None = None):
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--engine", choices=["compat", "prefect"], default="compat")
    parser.add_argument("--compare", action="store_true", help="also run real Prefect 1.4.1")
    parser.add_argument(
        "--baseline",
        metavar="SRC",
        help="also run this script on another prefect_compat source tree (e.g. a git "
        "worktree of an older commit) and print our time against it",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON line (internal)")
    parser.add_argument("--log-level", default="WARNING", help="engine log level (default WARNING)")
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="runs per size for our engine, best kept (real Prefect always runs once)",
    )
    if extra:
        extra(parser)
    args = parser.parse_args()
    os.environ["PREFECT__LOGGING__LEVEL"] = args.log_level
    return args


def load_prefect(engine: str) -> Any:
    """The engine module, imported as `prefect` would be."""
    if engine == "prefect":
        return importlib.import_module("prefect")
    return importlib.import_module("prefect_compat")


def best_time(fn: Callable[[], Any], repeat: int) -> float:
    """Best of `repeat` timed calls, after one untimed warm-up call when repeating."""
    if repeat > 1:
        fn()
    best = float("inf")
    for _ in range(max(1, repeat)):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def prefect_python() -> str:
    configured = os.environ.get("PREFECT_BENCH_PYTHON")
    if configured:
        return configured
    python = BENCH_VENV / "bin" / "python"
    if not python.exists():
        print(f"creating scratch venv with prefect==1.4.1 at {BENCH_VENV} ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(BENCH_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "prefect==1.4.1"], check=True)
    return str(python)


def run_reference(script: str, argv: list[str]) -> list[dict]:
    """Run `script` under real Prefect and return its JSON rows."""
    cmd = [prefect_python(), script, "--engine", "prefect", "--json", *argv]
    env = dict(os.environ, PYTHONPATH="")
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def run_baseline(script: str, source: str, argv: list[str]) -> list[dict]:
    """Run `script` with `prefect_compat` imported from `source`; its JSON rows."""
    cmd = [sys.executable, script, "--json", *argv]
    env = dict(os.environ, PYTHONPATH=str(Path(source).resolve()))
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


_VALUED = ("--repeat=", "--baseline=")


def passthrough_args() -> list[str]:
    """The user's arguments minus the ones that control comparing and repeating."""
    args = sys.argv[1:]
    out: list[str] = []
    skip_next = False
    for arg in args:
        if skip_next:
            skip_next = False
        elif arg in {"--repeat", "--baseline"}:
            skip_next = True
        elif arg not in {"--compare", "--json"} and not arg.startswith(_VALUED):
            out.append(arg)
    return [*out, "--repeat", "1"]


def report(rows: list[dict], args: Any, script: str) -> None:
    """Print rows (and the Prefect comparison when asked)."""
    if args.json:
        for row in rows:
            print(json.dumps(row))
        return
    reference = {}
    if args.compare:
        reference = {r["case"]: r for r in run_reference(script, passthrough_args())}
    before = {}
    if args.baseline:
        argv = [*passthrough_args()[:-2], "--repeat", str(args.repeat)]
        before = {r["case"]: r for r in run_baseline(script, args.baseline, argv)}
    for row in rows:
        line = (
            f"{row['case']:<28} {row['seconds']:9.4f} s  {row['task_runs']:7d} task runs  "
            f"{row['us_per_task']:9.1f} us/task run"
        )
        old = before.get(row["case"])
        if old:
            line += f"   | baseline: {old['us_per_task']:7.1f} us/task"
            line += f" ({old['us_per_task'] / row['us_per_task']:4.2f}x)"
        ref = reference.get(row["case"])
        if ref:
            line += (
                f"   | prefect 1.4.1: {ref['seconds']:9.3f} s {ref['us_per_task']:9.1f} us/task"
                f"  -> {ref['seconds'] / row['seconds']:6.1f}x faster"
            )
        print(line, flush=True)
