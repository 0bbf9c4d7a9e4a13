"""Microseconds per `StateSchema().dump` / `.load` of a typical task state, JSON included.

The state is what a checkpointed task run ends with: a Success holding a LocalResult
location, a small context and two cached inputs. Prints our figures and, when a
Prefect 1.4.1 virtualenv with a marshmallow 3 it can use is given (--prefect-python),
the same measurement there. Numbers only; nothing is judged.

Usage:  python benchmarks/state_serialization.py [--n 20000] [--prefect-python PATH]
"""

from __future__ import annotations

import argparse
import subprocess
import sys

CODE = """
import json, sys, time
{imports}
stored = LocalResult(dir="/tmp/bench", location="/tmp/bench/x.pkl")
state = Success("Task run succeeded.", result=stored)
state.context = {{"tags": ["etl"], "task_run_count": 1}}
y = LocalResult(dir="/tmp/bench", location="/tmp/bench/y.pkl")
state.cached_inputs = {{"x": PrefectResult(location="1"), "y": y}}
schema = StateSchema()
n = {n}
t0 = time.perf_counter()
for _ in range(n):
    text = json.dumps(schema.dump(state))
t1 = time.perf_counter()
for _ in range(n):
    schema.load(json.loads(text))
t2 = time.perf_counter()
print(f"{{(t1 - t0) / n * 1e6:.1f}} {{(t2 - t1) / n * 1e6:.1f}}")
"""

OURS = (
    "from prefect_compat.engine.state import Success\n"
    "from prefect_compat.engine.results import LocalResult, PrefectResult\n"
    "from prefect_compat.serialization.state import StateSchema\n"
)
PREFECT = (
    "from prefect.engine.state import Success\n"
    "from prefect.engine.results import LocalResult, PrefectResult\n"
    "from prefect.serialization.state import StateSchema\n"
)


def _run(python: str, imports: str, n: int) -> tuple[str, str]:
    out = subprocess.run(
        [python, "-c", CODE.format(imports=imports, n=n)],
        capture_output=True,
        text=True,
        check=True,
    )
    dump, load = out.stdout.split()
    return dump, load


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=20000)
    parser.add_argument("--prefect-python", default=None)
    args = parser.parse_args()
    dump, load = _run(sys.executable, OURS, args.n)
    print(f"prefect-compat: dump+json {dump} us, json+load {load} us per state")
    if args.prefect_python:
        dump, load = _run(args.prefect_python, PREFECT, max(args.n // 10, 100))
        print(f"prefect 1.4.1:  dump+json {dump} us, json+load {load} us per state")


if __name__ == "__main__":
    main()
