"""Wall time of `import prefect_compat` in a fresh interpreter, and which heavy modules it loads.

Runs `python -c "import prefect_compat"` once to warm the OS file cache, then five
times, and prints the best time next to the target. Then checks, in one more fresh
interpreter, that none of the heavy optional libraries ended up in `sys.modules`
(they must load lazily through `_lazy.require`; see HOUSE_STYLE R9).

Exit status 1 when a heavy module is imported; the timing is printed, never judged
(machines are noisy).

Usage:  python benchmarks/import_time.py [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

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


def _env() -> dict[str, str]:
    # measure the shipped defaults, not whatever PREFECT__* the shell happens to carry
    return {k: v for k, v in os.environ.items() if not k.startswith("PREFECT__")}


def time_import(env: dict[str, str]) -> float:
    """Seconds for one fresh interpreter to start, import the package, and exit."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import prefect_compat"], env=env, check=True)
    return time.perf_counter() - start


def baseline(env: dict[str, str]) -> float:
    """Seconds for a bare interpreter start, so the package's share can be read off."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], env=env, check=True)
    return time.perf_counter() - start


def heavy_modules(env: dict[str, str]) -> list[str]:
    out = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, check=True, capture_output=True, text=True
    ).stdout
    return list(json.loads(out))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs (best is kept)")
    args = parser.parse_args()
    env = _env()

    time_import(env)  # warm-up: file cache, .pyc files
    best = min(time_import(env) for _ in range(max(1, args.runs)))
    bare = min(baseline(env) for _ in range(max(1, args.runs)))
    heavy = heavy_modules(env)

    added = (best - bare) * 1000
    print(f"python:                {sys.executable}")
    print(f"import prefect_compat: {best * 1000:.1f} ms (best of {args.runs}, fresh process)")
    print(f"bare interpreter:      {bare * 1000:.1f} ms (the package adds ~{added:.1f} ms)")
    verdict = "met" if best * 1000 <= TARGET_MS else "missed"
    print(f"target:                <= {TARGET_MS:.0f} ms ({verdict})")
    print(f"heavy modules loaded:  {heavy}")
    if heavy:
        print("FAIL: these must be imported lazily via prefect_compat._lazy.require()")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
