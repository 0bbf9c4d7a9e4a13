"""A mapped, checkpointed flow on DaskExecutor with a 2-worker LocalCluster.

    numbers (N items) -> inc.map -> double.map -> total

`inc` and `double` checkpoint every child through a LocalResult with a
`{map_index}` location into a fresh temp dir (checkpointing on), so the figure
includes the workers writing 2N files. The cluster (2 worker processes, 1 thread
each) is started once per engine, outside the timing; each timed run connects a
DaskExecutor to it, runs the flow and disconnects. Measured at INFO and WARNING
(`--levels`), each in a fresh process; `--compare` runs the same script under real
Prefect 1.4.1, `--baseline SRC` on another source tree, `--record FILE` appends a JSON
record (see _harness.py).

Usage:  python benchmarks/dask_map.py [--sizes 200,500] [--repeat 3] [--compare]
            [--baseline SRC] [--record FILE]
"""

from __future__ import annotations

import importlib
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _harness  # noqa: E402


def build_flow(prefect, n, result_dir):
    results = importlib.import_module(prefect.__name__ + ".engine.results")

    @prefect.task
    def numbers():
        return list(range(n))

    @prefect.task(result=results.LocalResult(dir=result_dir, location="inc/{map_index}.pkl"))
    def inc(x):
        return x + 1

    @prefect.task(result=results.LocalResult(dir=result_dir, location="double/{map_index}.pkl"))
    def double(x):
        return x * 2

    @prefect.task
    def total(xs):
        return sum(xs)

    with prefect.Flow("dask-map") as flow:
        out = total(double.map(inc.map(numbers())))
    return flow, out, 2 * n + 2


def measure(prefect, args):
    from distributed import LocalCluster

    executors = importlib.import_module(prefect.__name__ + ".executors")
    configuration = importlib.import_module(prefect.__name__ + ".utilities.configuration")
    rows = []
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as cluster:
        for n in [int(v) for v in args.sizes.split(",") if v]:
            if args.max_n is not None and n > args.max_n:
                continue
            result_dir = tempfile.mkdtemp(prefix="dask-map-")
            flow, out, task_runs = build_flow(prefect, n, result_dir)
            state = None

            def run(flow=flow, result_dir=result_dir):
                nonlocal state
                shutil.rmtree(result_dir, ignore_errors=True)
                os.makedirs(result_dir)
                executor = executors.DaskExecutor(address=cluster.scheduler_address)
                with configuration.set_temporary_config({"flows.checkpointing": True}):
                    state = flow.run(executor=executor)

            seconds = _harness.best_time(run, args.repeat)
            expected = sum(2 * (i + 1) for i in range(n))
            if not state.is_successful() or state.result[out].result != expected:
                raise SystemExit(f"N={n}: flow did not succeed: {state!r}")
            written = sum(len(files) for _, _, files in os.walk(result_dir))
            if written != 2 * n:
                raise SystemExit(f"N={n}: expected {2 * n} checkpoint files, found {written}")
            shutil.rmtree(result_dir, ignore_errors=True)
            rows.append(_harness.row(f"dask map N={n}", seconds, task_runs, shape="dask map", n=n))
    return rows


def main():
    _harness.main(
        __file__,
        __doc__.splitlines()[0],
        measure,
        lambda p: p.add_argument("--sizes", default="500", help="comma-separated N"),
    )


if __name__ == "__main__":
    main()
