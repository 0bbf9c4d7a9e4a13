"""Per-task engine overhead on three flow shapes, optionally next to Prefect 1.4.1.

  map4993   a task returning N small lists, then three chained mapped tasks
            (the flow from Prefect issue #4993): 3N + 4 task runs
  chain     N tasks, each taking the previous one's result: N task runs
  fanout    N independent tasks: N task runs

Usage:  python benchmarks/flow_overhead.py [--sizes map4993=500,2000,8000 ...] [--compare]
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _harness  # noqa: E402

DEFAULT_SIZES = "map4993=500,2000,8000;chain=500,4000;fanout=500,4000"


def build_map4993(prefect, n):
    @prefect.task
    def make_lists():
        return [[i, i + 1] for i in range(n)]

    @prefect.task
    def first(x):
        return x[0] + x[1]

    @prefect.task
    def second(x):
        return x * 2

    @prefect.task
    def third(x):
        return x - 1

    with prefect.Flow("map4993") as flow:
        third.map(second.map(first.map(make_lists())))
    return flow, 3 * n + 4


def build_chain(prefect, n):
    @prefect.task
    def start():
        return 0

    @prefect.task
    def step(x):
        return x + 1

    with prefect.Flow("chain") as flow:
        value = start()
        for _ in range(n - 1):
            value = step(value)
    return flow, n


def build_fanout(prefect, n):
    @prefect.task
    def work(i):
        return i * 2

    with prefect.Flow("fanout") as flow:
        for i in range(n):
            work(i)
    return flow, n


BUILDERS = {"map4993": build_map4993, "chain": build_chain, "fanout": build_fanout}


def parse_sizes(spec):
    sizes = {}
    for part in spec.split(";"):
        name, _, values = part.partition("=")
        sizes[name.strip()] = [int(v) for v in values.split(",") if v]
    return sizes


def main():
    args = _harness.parse_args(
        __doc__.splitlines()[0],
        lambda p: p.add_argument("--sizes", default=DEFAULT_SIZES),
    )
    prefect = _harness.load_prefect(args.engine)
    rows = []
    for name, sizes in parse_sizes(args.sizes).items():
        for n in sizes:
            flow, task_runs = BUILDERS[name](prefect, n)
            state = None

            def run(flow=flow):
                nonlocal state
                state = flow.run()

            seconds = _harness.best_time(run, args.repeat)
            if not state.is_successful():
                raise SystemExit(f"{name} N={n}: flow did not succeed: {state!r}")
            rows.append(
                {
                    "case": f"{name} N={n}",
                    "seconds": seconds,
                    "task_runs": task_runs,
                    "us_per_task": seconds / task_runs * 1e6,
                }
            )
    _harness.report(rows, args, __file__)


if __name__ == "__main__":
    main()
