"""Shared benchmark plumbing: run each figure at each log level, compare, record.

A benchmark script gives `main()` a `measure(prefect, args) -> rows` function. Run by
hand, the script is the *parent*: it never imports an engine itself. For each log level
in `--levels` (default `INFO,WARNING`: the default level every user runs with, and a
quiet one) it starts a fresh *child* process of itself (`--json-out FILE --log-level L`),
because the engine reads the level when it is imported. Each child measures and writes
its rows as JSON lines; the engine's log lines go to the child's stdout, a pipe the
parent drains, as when a user pipes a run into `tee` or a log collector.

Other engines, each in its own child per level:
  --baseline SRC   `prefect_compat` imported from another source tree (a git worktree of
                   an older commit, say); rows tagged role=baseline
  --compare        real Prefect in a scratch venv outside this repo: $PREFECT_BENCH_PYTHON,
                   else ~/.cache/prefect-compat-bench/prefect-1.4.1 made on first use;
                   its rows say which version ran (engine=prefect-1.4.1)
`--rounds K` runs the ours/baseline children K times, alternating engines and levels,
and keeps each case's best, so all of them see the same machine weather. Compare ratios
from one invocation, not absolute numbers: the machines are small and shared.

`--record FILE` appends one JSON object per invocation to FILE (JSON lines): timestamp,
git commit, python, machine facts, load average, and every row with its level, role,
engine, shape and N. `benchmarks/plot.py` turns such files into the pictures in docs/img.

Children run with Python's default stdout buffering: PYTHONUNBUFFERED is removed from
their environment unless BENCH_KEEP_UNBUFFERED=1 (then every log line is a write(2)).
"""

from __future__ import annotations

import argparse
import datetime
import importlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

BENCH_VENV = Path.home() / ".cache" / "prefect-compat-bench" / "prefect-1.4.1"
REPO = Path(__file__).resolve().parent.parent
LEVELS = "INFO,WARNING"
# children run with Python's default stdout buffering unless BENCH_KEEP_UNBUFFERED=1
KEEP_UNBUFFERED = os.environ.get("BENCH_KEEP_UNBUFFERED") == "1"

# parent-only options and whether they take a value: never passed on to a child
_PARENT_OPTIONS = {
    "--compare": False,
    "--baseline": True,
    "--levels": True,
    "--record": True,
    "--rounds": True,
    "--repeat": True,
    "--log-level": True,
    "--compare-max-n": True,
    "--json": False,
    "--json-out": True,
    "--max-n": True,
}


def parse_args(description: str, extra: Callable[[argparse.ArgumentParser], None] | None = None):
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--engine", choices=["compat", "prefect"], default="compat")
    parser.add_argument("--compare", action="store_true", help="also run real Prefect 1.4.1")
    parser.add_argument(
        "--compare-max-n",
        type=int,
        default=2000,
        help="with --compare, run real Prefect only on sizes up to this N (default 2000: "
        "its chain is quadratic, N=4000 takes ~13 minutes)",
    )
    parser.add_argument(
        "--baseline",
        metavar="SRC",
        help="also run on another prefect_compat source tree (e.g. a git worktree of an "
        "older commit) and print our time against it",
    )
    parser.add_argument(
        "--levels",
        default=None,
        help=f"log levels to measure at, each in its own process (default {LEVELS})",
    )
    parser.add_argument("--log-level", default=None, help="one level (same as --levels L)")
    parser.add_argument("--record", metavar="FILE", help="append a JSON record of this run")
    parser.add_argument(
        "--rounds", type=int, default=1, help="alternate ours/baseline runs K times, keep best"
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="runs per size in each process, best kept (real Prefect always runs once)",
    )
    parser.add_argument("--max-n", type=int, default=None, help="skip sizes above N")
    parser.add_argument("--json", action="store_true", help="print rows as JSON (internal)")
    parser.add_argument("--json-out", metavar="FILE", help="write rows as JSON (internal)")
    if extra:
        extra(parser)
    args = parser.parse_args()
    if args.levels is None:
        args.levels = args.log_level or LEVELS
    args.level_list = [v.strip().upper() for v in args.levels.split(",") if v.strip()]
    args.child = bool(args.json or args.json_out)
    # read by the engine when it is imported, so set before load_prefect(); a parent run
    # by main() never imports an engine, and its children get --log-level each
    os.environ["PREFECT__LOGGING__LEVEL"] = args.level_list[0]
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


def row(case: str, seconds: float, task_runs: int, **extra: Any) -> dict[str, Any]:
    """One measured figure; `extra` carries shape, n and anything a plot groups by."""
    return {
        "case": case,
        "seconds": seconds,
        "task_runs": task_runs,
        "us_per_task": seconds / task_runs * 1e6,
        **extra,
    }


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


def child_argv(argv: list[str]) -> list[str]:
    """`argv` minus the parent-only options (both `--opt value` and `--opt=value`)."""
    out: list[str] = []
    skip_next = False
    for arg in argv:
        if skip_next:
            skip_next = False
            continue
        name, eq, _ = arg.partition("=")
        if name in _PARENT_OPTIONS:
            skip_next = _PARENT_OPTIONS[name] and not eq
            continue
        out.append(arg)
    return out


def passthrough_args() -> list[str]:
    """The user's arguments minus the parent-only ones, plus `--repeat 1`."""
    return [*child_argv(sys.argv[1:]), "--repeat", "1"]


def _engine_tag(args: Any) -> dict[str, Any]:
    module = sys.modules.get("prefect" if args.engine == "prefect" else "prefect_compat")
    version = getattr(module, "__version__", "?")
    engine = f"prefect-{version}" if args.engine == "prefect" else "prefect-compat"
    source = os.path.dirname(os.path.dirname(getattr(module, "__file__", "") or ""))
    return {"engine": engine, "version": version, "source": source}


def run_child(python: str, script: str, argv: list[str], pythonpath: str) -> list[dict]:
    """Run `script` as a child; its rows. Its stdout (the engine's log) is a drained pipe."""
    fd, out_path = tempfile.mkstemp(prefix="bench-rows-", suffix=".jsonl")
    os.close(fd)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT__")}
    env["PYTHONPATH"] = pythonpath
    if not KEEP_UNBUFFERED:
        # Python's default: stdout on a pipe is block-buffered (PYTHONUNBUFFERED=1 would
        # make every log line its own write)
        env.pop("PYTHONUNBUFFERED", None)
    try:
        proc = subprocess.run(
            [python, script, "--json-out", out_path, *argv],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        if proc.returncode != 0:
            raise SystemExit(
                f"{os.path.basename(script)} failed under {python} ({' '.join(argv)}):\n"
                f"{proc.stderr[-3000:]}"
            )
        with open(out_path, encoding="utf-8") as fh:
            return [json.loads(line) for line in fh if line.strip()]
    finally:
        os.unlink(out_path)


def run_reference(script: str, argv: list[str]) -> list[dict]:
    """Run `script` under real Prefect (one child) and return its rows."""
    return run_child(prefect_python(), script, ["--engine", "prefect", *argv], "")


def run_baseline(script: str, source: str, argv: list[str]) -> list[dict]:
    """Run `script` with `prefect_compat` imported from `source`; its rows."""
    return run_child(sys.executable, script, argv, str(Path(source).resolve()))


def git_commit(path: str | Path) -> dict[str, Any]:
    """Commit and dirtiness of the git tree at `path` (None when it is not one)."""

    def git(*cmd: str) -> str:
        return subprocess.run(
            ["git", "-C", str(path), *cmd], capture_output=True, text=True, check=True
        ).stdout.strip()

    try:
        return {"commit": git("rev-parse", "--short", "HEAD"), "dirty": bool(git("status", "-s"))}
    except (OSError, subprocess.CalledProcessError):
        return {"commit": None, "dirty": None}


def _keep_best(into: dict[tuple, dict], rows: list[dict], **tags: Any) -> None:
    for r in rows:
        r.update(tags)
        key = (r["role"], r["level"], r["case"])
        if key not in into or r["seconds"] < into[key]["seconds"]:
            into[key] = r


def _measure_all(script: str, args: Any) -> list[dict]:
    """Every child run the options ask for, best row kept per (role, level, case)."""
    base = child_argv(sys.argv[1:])
    best: dict[tuple, dict] = {}
    baseline_git = git_commit(args.baseline) if args.baseline else {}
    ours_git = git_commit(REPO)
    limit = [] if args.max_n is None else ["--max-n", str(args.max_n)]
    # rounds outermost: every level and engine gets a turn in each stretch of time
    for _ in range(max(1, args.rounds)):
        for level in args.level_list:
            argv = [*base, "--log-level", level, "--repeat", str(args.repeat), *limit]
            rows = run_child(sys.executable, script, argv, str(REPO))
            _keep_best(best, rows, role="ours", level=level, commit=ours_git["commit"])
            if args.baseline:
                rows = run_baseline(script, args.baseline, argv)
                _keep_best(best, rows, role="baseline", level=level, **baseline_git)
    for level in args.level_list:
        if args.compare:
            cap = min(args.compare_max_n, args.max_n or args.compare_max_n)
            ref_argv = [*base, "--log-level", level, "--repeat", "1", "--max-n", str(cap)]
            rows = run_reference(script, ref_argv)
            _keep_best(best, rows, role="reference", level=level)
    return list(best.values())


def write_child_rows(rows: list[dict], args: Any) -> None:
    tag = _engine_tag(args)
    for r in rows:
        for key, value in tag.items():
            r.setdefault(key, value)
        r.setdefault("level", args.level_list[0])
    lines = "".join(json.dumps(r) + "\n" for r in rows)
    if args.json_out:
        with open(args.json_out, "a", encoding="utf-8") as fh:
            fh.write(lines)
    else:
        sys.stdout.write(lines)
        sys.stdout.flush()


def machine_facts() -> dict[str, Any]:
    facts: dict[str, Any] = {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "loadavg": [round(v, 2) for v in os.getloadavg()],
    }
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            facts["mem_gib"] = round(int(fh.readline().split()[1]) / 2**20, 1)
    except (OSError, ValueError, IndexError):
        pass
    return facts


def write_record(path: str, script: str, rows: list[dict], args: Any, **extra: Any) -> None:
    """Append one JSON object describing this invocation to `path` (JSON lines)."""
    record = {
        "script": Path(script).stem,
        "timestamp": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        **git_commit(REPO),
        "python": platform.python_version(),
        "machine": machine_facts(),
        "argv": sys.argv[1:],
        "levels": args.level_list,
        "pythonunbuffered": KEEP_UNBUFFERED and bool(os.environ.get("PYTHONUNBUFFERED")),
        "baseline": args.baseline and {"source": args.baseline, **git_commit(args.baseline)},
        "reference_python": prefect_python() if args.compare else None,
        **extra,
        "rows": rows,
    }
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(record) + "\n")
    print(f"record appended to {path}")


def print_rows(rows: list[dict]) -> None:
    """One line per case and level: ours, then baseline and reference against it."""
    by_key = {(r["role"], r["level"], r["case"]): r for r in rows}
    ours = [r for r in rows if r["role"] == "ours"]
    for r in ours:
        line = (
            f"{r['level']:<8} {r['case']:<26} {r['seconds']:9.4f} s {r['task_runs']:7d} runs"
            f" {r['us_per_task']:9.1f} us/run"
        )
        if r.get("shape") == "floor":  # the same hand-written loop in every run
            print(line, flush=True)
            continue
        old = by_key.get(("baseline", r["level"], r["case"]))
        if old:
            line += (
                f" | baseline {old['us_per_task']:8.1f} us ({old['seconds'] / r['seconds']:.2f}x)"
            )
        ref = by_key.get(("reference", r["level"], r["case"]))
        if ref:
            line += (
                f" | {ref['engine']} {ref['us_per_task']:9.1f} us"
                f" ({ref['seconds'] / r['seconds']:.0f}x faster)"
            )
        print(line, flush=True)


def main(
    script: str,
    description: str,
    measure: Callable[[Any, Any], list[dict]],
    add_options: Callable[[argparse.ArgumentParser], None] | None = None,
    summarize: Callable[[list[dict]], None] | None = None,
) -> None:
    """Entry point of a benchmark script: child (measure) or parent (orchestrate)."""
    args = parse_args(description, add_options)
    if args.child:
        write_child_rows(measure(load_prefect(args.engine), args), args)
        return
    load = os.getloadavg()[0]
    print(f"{Path(script).name}: levels {','.join(args.level_list)}; load average {load:.2f}")
    rows = _measure_all(script, args)
    print_rows(rows)
    if summarize:
        summarize(rows)
    if args.record:
        write_record(args.record, script, rows, args)


def report(rows: list[dict], args: Any, script: str) -> None:
    """Older entry for scripts that measure in the parent, at the first level of --levels.

    `--compare` and `--baseline` still run their children here, at the same level.
    """
    if args.child:
        write_child_rows(rows, args)
        return
    level = args.level_list[0]
    tag = _engine_tag(args)
    for r in rows:
        r.update({"role": "ours", "level": level, **tag, **r})
    argv = [*child_argv(sys.argv[1:]), "--log-level", level]
    if args.baseline:
        found = run_baseline(script, args.baseline, [*argv, "--repeat", str(args.repeat)])
        rows += [{**r, "role": "baseline", "level": level} for r in found]
    if args.compare:
        found = run_reference(script, [*argv, "--repeat", "1"])
        rows += [{**r, "role": "reference", "level": level} for r in found]
    print_rows(rows)
    if args.record:
        write_record(args.record, script, rows, args)
