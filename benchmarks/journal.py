"""What the run journal costs, and how fast a resume is planned.

  map4993 N=2000     the #4993 flow of flow_overhead.py (3N + 4 task runs), run with
                     the journal off and on, alternating, in one process; best of
                     --repeat for each:
      off            journal.enabled = false
      on             journal on: flow.run() returns while the background writer may
                     still be committing the last batch
      on+flush       journal on, timed until everything is committed
                     (flow.run() + journal flush: the whole cost, nothing left behind)
      on x5+flush    five runs back to back, then the flush, per run: the steady
                     state of a long flow, where the writer commits while tasks run
  resume plan        `flow.run(resume=...)`'s planning for a mapped flow of --children
                     checkpointed children (LocalResult): read the journal, check that
                     every checkpoint exists and is unchanged, build the lazy states;
                     best of --repeat
  resumed run        the whole resumed flow.run() of that flow (nothing left to run)

Everything lives in a temp dir (journal, checkpoints), removed at the end. The
machine is shared: compare the ratios printed on the right, measured in one run.

Usage:  python benchmarks/journal.py [--n 2000] [--children 10000] [--repeat 5]
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _harness  # noqa: E402
from flow_overhead import build_map4993  # noqa: E402


def add_options(parser):
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--children", type=int, default=10000)


def timed(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def overhead_rows(prefect, journal, n, repeat):
    from prefect_compat.utilities.configuration import set_temporary_config

    flow, task_runs = build_map4993(prefect, n)
    best = {"off": float("inf"), "on": float("inf"), "on+flush": float("inf"), "x5": float("inf")}

    def run_once():
        state = flow.run()
        if not state.is_successful():
            raise SystemExit(f"map4993 N={n}: flow did not succeed: {state!r}")

    for attempt in range(repeat + 1):  # the first round warms up
        with set_temporary_config({"journal.enabled": False}):
            off = timed(run_once)
        journal.flush()
        on = timed(run_once)
        journal.flush()
        on_flush = timed(lambda: (run_once(), journal.flush()))
        x5 = timed(lambda: ([run_once() for _ in range(5)], journal.flush())) / 5
        if attempt:
            for key, value in (("off", off), ("on", on), ("on+flush", on_flush), ("x5", x5)):
                best[key] = min(best[key], value)
    labels = {"off": "off", "on": "on", "on+flush": "on+flush", "x5": "on x5+flush"}
    return [
        {
            "case": f"map4993 N={n} {labels[key]}",
            "seconds": best[key],
            "task_runs": task_runs,
            "us_per_task": best[key] / task_runs * 1e6,
            "vs_off": best[key] / best["off"],
        }
        for key in ("off", "on", "on+flush", "x5")
    ]


def resume_rows(prefect, directory, children, repeat):
    from prefect_compat import _journal
    from prefect_compat.engine.results import LocalResult

    @prefect.task
    def items():
        return list(range(children))

    @prefect.task(result=LocalResult(dir=directory, location="{task_name}-{map_index}.pkl"))
    def work(x):
        return x + 1

    with prefect.Flow("resume-bench", result=LocalResult(dir=directory)) as flow:
        work.map(items())
    with prefect.context(checkpointing=True):
        first = flow.run()
    if not first.is_successful():
        raise SystemExit(f"resume-bench: first run did not succeed: {first!r}")
    _journal.flush()
    plan_best = run_best = float("inf")
    for _ in range(repeat):
        plan = None

        def prepare():
            nonlocal plan
            plan = _journal.prepare_resume(flow, "last", False, {})

        plan_best = min(plan_best, timed(prepare))
        resumed = sum(
            1
            for state in plan.task_states.values()
            for child in getattr(state, "map_states", ())
            if child is not None
        )
        if resumed != children:
            raise SystemExit(f"resume-bench: {resumed} of {children} children resumed")
    for _ in range(repeat):
        with prefect.context(checkpointing=True):
            run_best = min(run_best, timed(lambda: flow.run(resume="last")))
        _journal.flush()
    return [
        {
            "case": f"resume plan {children} children",
            "seconds": plan_best,
            "task_runs": children + 2,
            "us_per_task": plan_best / (children + 2) * 1e6,
        },
        {
            "case": f"resumed run {children} children",
            "seconds": run_best,
            "task_runs": children + 2,
            "us_per_task": run_best / (children + 2) * 1e6,
        },
    ]


def main():
    args = _harness.parse_args(__doc__.splitlines()[0], add_options)
    if args.engine != "compat":
        raise SystemExit("the run journal exists only in prefect-compat")
    root = tempfile.mkdtemp(prefix="journal-bench-")
    os.environ["PREFECT__HOME_DIR"] = root
    try:
        import prefect_compat as prefect
        from prefect_compat import _journal
        from prefect_compat.utilities.configuration import set_temporary_config

        with set_temporary_config(
            {"journal.path": os.path.join(root, "journal.db"), "journal.enabled": True}
        ):
            rows = overhead_rows(prefect, _journal, args.n, args.repeat)
            rows += resume_rows(prefect, os.path.join(root, "results"), args.children, 3)
            _journal.flush()
    finally:
        shutil.rmtree(root, ignore_errors=True)
    if args.json:
        _harness.report(rows, args, __file__)
        return
    for row in rows:
        ratio = f"   {row['vs_off']:5.2f}x off" if "vs_off" in row else ""
        print(
            f"{row['case']:<32} {row['seconds']:9.4f} s  {row['task_runs']:7d} task runs  "
            f"{row['us_per_task']:8.2f} us/task run{ratio}",
            flush=True,
        )


if __name__ == "__main__":
    main()
