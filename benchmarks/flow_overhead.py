"""Per-task engine overhead on three flow shapes, optionally next to Prefect 1.4.1.

  map4993   a task returning N small lists, then three chained mapped tasks
            (the flow from Prefect issue #4993): 3N + 4 task runs
  chain     N tasks, each taking the previous one's result: N task runs
  fanout    N independent tasks: N task runs

Each case runs with the stock runners; `--runner hooked` (or `both`) also runs it
with a TaskRunner subclass that overrides one pipeline step (`check_task_trigger`,
calling the stock method), the price of a user's runner hook.

Usage:  python benchmarks/flow_overhead.py [--sizes map4993=500,2000,8000 ...]
            [--runner stock|hooked|both] [--compare] [--baseline SRC]

`--baseline SRC` runs the same cases on another source tree (say, a git worktree of
the commit before a change) right after, and prints our figure against it.
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


def hooked_runner(prefect):
    """A FlowRunner whose task runner overrides one step and calls the stock one."""
    flow_runner_cls = _engine_class(prefect, "flow_runner", "FlowRunner")
    task_runner_cls = _engine_class(prefect, "task_runner", "TaskRunner")

    class HookedTaskRunner(task_runner_cls):
        def check_task_trigger(self, state, upstream_states):
            return super().check_task_trigger(state, upstream_states)

    class HookedFlowRunner(flow_runner_cls):
        def __init__(self, flow, task_runner_cls=None, state_handlers=None):
            super().__init__(flow, HookedTaskRunner, state_handlers)

    return HookedFlowRunner


def _engine_class(prefect, module, name):
    import importlib

    return getattr(importlib.import_module(f"{prefect.__name__}.engine.{module}"), name)


def parse_sizes(spec):
    sizes = {}
    for part in spec.split(";"):
        name, _, values = part.partition("=")
        if name.strip() not in BUILDERS:
            raise SystemExit(
                f"--sizes: unknown case {name.strip()!r}; known: {', '.join(BUILDERS)}"
            )
        sizes[name.strip()] = [int(v) for v in values.split(",") if v]
    return sizes


def chosen_sizes(args):
    """{case: [N, ...]} from `--n` and `--cases`, else from `--sizes`."""
    if args.n is None:
        return parse_sizes(args.sizes)
    cases = [c.strip() for c in args.cases.split(",") if c.strip()]
    unknown = [c for c in cases if c not in BUILDERS]
    if unknown:
        raise SystemExit(f"--cases: unknown {unknown}; known: {', '.join(BUILDERS)}")
    return {c: [int(v) for v in args.n.split(",") if v] for c in cases}


def measure(prefect, args):
    runners = {"stock": None, "hooked": hooked_runner(prefect)}
    chosen = ["stock", "hooked"] if args.runner == "both" else [args.runner]
    rows = []
    for name, sizes in chosen_sizes(args).items():
        for n in sizes:
            if args.max_n is not None and n > args.max_n:
                continue
            flow, task_runs = BUILDERS[name](prefect, n)
            for kind in chosen:
                seconds = _time_runs(flow, runners[kind], args.repeat, f"{name} N={n}")
                label = f"{name} N={n}" + ("" if kind == "stock" else " hooked")
                shape = name if kind == "stock" else f"{name} hooked"
                rows.append(_harness.row(label, seconds, task_runs, shape=shape, n=n))
    return rows


def main():
    _harness.main(__file__, __doc__.splitlines()[0], measure, add_options)


def add_options(parser):
    parser.add_argument(
        "--sizes", default=DEFAULT_SIZES, help=f"sizes per case (default {DEFAULT_SIZES!r})"
    )
    parser.add_argument(
        "--n",
        default=None,
        help="comma-separated sizes for every case in --cases (overrides --sizes)",
    )
    parser.add_argument("--cases", default=",".join(BUILDERS), help="cases --n applies to")
    parser.add_argument("--runner", choices=["stock", "hooked", "both"], default="stock")


def _time_runs(flow, runner_cls, repeat, label):
    state = None

    def run():
        nonlocal state
        state = flow.run(runner_cls=runner_cls)

    seconds = _harness.best_time(run, repeat)
    if not state.is_successful():
        raise SystemExit(f"{label}: flow did not succeed: {state!r}")
    return seconds


if __name__ == "__main__":
    main()
