"""Wall time of `import prefect_compat` in a fresh interpreter, and which heavy modules it loads.

Runs `python -c "import prefect_compat"` once to warm the OS file cache, then `--runs`
times, and prints the best time next to the target and a bare interpreter's start, at
each log level of `--levels` (default INFO,WARNING: the level is read at import). Then
checks, in one more fresh interpreter, that none of the heavy optional libraries ended
up in `sys.modules` (they must load lazily through `_lazy.require`; see HOUSE_STYLE R9).

  --compare          also time `import prefect` under real Prefect 1.4.1
                     ($PREFECT_BENCH_PYTHON, see _harness.py)
  --compare-python PY  also time `import prefect` under this interpreter (repeatable,
                     e.g. a venv with Prefect 2.6.9); its version is read from the package
  --baseline SRC     also time `import prefect_compat` from another source tree
  --record FILE      append a JSON record (see _harness.py); benchmarks/plot.py draws it

Exit status 1 when a heavy module is imported; the timing is printed, never judged
(machines are noisy).

Usage:  python benchmarks/import_time.py [--runs 5] [--compare] [--record FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _harness  # noqa: E402

TARGET_MS = 150.0
HEAVY = (
    "boto3",
    "botocore",
    "google.cloud",
    "dask",
    "distributed",
    "pandas",
    "pendulum",
    "libcst",
    "rich",
    "click",
)
PROBE = (
    "import json, sys; import prefect_compat; "
    f"print(json.dumps([m for m in {list(HEAVY)!r} if m in sys.modules]))"
)


def _env(level: str, pythonpath: str, home: str) -> dict[str, str]:
    # measure the shipped defaults, not whatever PREFECT__* the shell happens to carry
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT")}
    env.update(PREFECT__LOGGING__LEVEL=level, PYTHONPATH=pythonpath, PREFECT_HOME=home)
    return env


def time_code(python: str, code: str, env: dict[str, str], runs: int) -> float:
    """Best seconds for a fresh interpreter to run `code` and exit, after a warm-up."""
    subprocess.run([python, "-c", code], env=env, check=True)  # file cache, .pyc files
    best = float("inf")
    for _ in range(max(1, runs)):
        start = time.perf_counter()
        subprocess.run([python, "-c", code], env=env, check=True)
        best = min(best, time.perf_counter() - start)
    return best


def version_of(python: str, module: str, env: dict[str, str]) -> str:
    code = f"import {module}; print({module}.__version__)"
    out = subprocess.run([python, "-c", code], env=env, check=True, capture_output=True, text=True)
    return out.stdout.strip().splitlines()[-1]


def heavy_modules(env: dict[str, str]) -> list[str]:
    out = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, check=True, capture_output=True, text=True
    ).stdout
    return list(json.loads(out))


def engines(args: argparse.Namespace) -> list[tuple[str, str, str, str]]:
    """(role, python, module, PYTHONPATH) of every engine to time."""
    found = [("ours", sys.executable, "prefect_compat", str(_harness.REPO))]
    if args.baseline:
        found.append(("baseline", sys.executable, "prefect_compat", args.baseline))
    pythons = ([_harness.prefect_python()] if args.compare else []) + args.compare_python
    found += [("reference", python, "prefect", "") for python in pythons]
    return found


def measure(args: argparse.Namespace, home: str) -> list[dict]:
    rows = []
    for level in args.level_list:
        for role, python, module, path in engines(args):
            env = _env(level, path, home)
            seconds = time_code(python, f"import {module}", env, args.runs)
            bare = time_code(python, "pass", env, args.runs)
            version = version_of(python, module, env)
            engine = "prefect-compat" if module == "prefect_compat" else f"prefect-{version}"
            tags = {"shape": "import", "level": level, "role": role, "engine": engine}
            tags.update(version=version, python_exe=python, bare_seconds=bare)
            if role == "baseline":
                tags.update(_harness.git_commit(path))
            rows.append(_harness.row(f"import {engine}", seconds, 1, **tags))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs (best is kept)")
    parser.add_argument("--levels", default=_harness.LEVELS, help="log levels, each timed")
    parser.add_argument("--compare", action="store_true", help="also real Prefect 1.4.1")
    parser.add_argument("--compare-python", action="append", default=[], metavar="PY")
    parser.add_argument("--baseline", metavar="SRC", help="another prefect_compat source tree")
    parser.add_argument("--record", metavar="FILE", help="append a JSON record of this run")
    args = parser.parse_args()
    args.level_list = [v.strip().upper() for v in args.levels.split(",") if v.strip()]

    with tempfile.TemporaryDirectory(prefix="import-time-") as home:
        rows = measure(args, home)
        heavy = heavy_modules(_env(args.level_list[0], str(_harness.REPO), home))
    print(f"python: {sys.executable}; best of {args.runs} fresh processes each")
    for r in rows:
        bare = r["bare_seconds"] * 1000
        added = r["seconds"] * 1000 - bare
        print(
            f"{r['level']:<8} {r['role']:<9} import {r['engine']:<16} {r['seconds'] * 1000:7.1f} ms"
            f"  (bare interpreter {bare:5.1f} ms, the package adds ~{added:.1f} ms)"
        )
    ours = min(r["seconds"] for r in rows if r["role"] == "ours") * 1000
    verdict = "met" if ours <= TARGET_MS else "missed"
    print(f"target:                <= {TARGET_MS:.0f} ms for prefect_compat ({verdict})")
    print(f"heavy modules loaded:  {heavy}")
    if args.record:
        _harness.write_record(args.record, __file__, rows, args, compare_python=args.compare_python)
    if heavy:
        print("FAIL: these must be imported lazily via prefect_compat._lazy.require()")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
