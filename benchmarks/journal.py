"""What the run journal costs, and how fast a resume is planned.

  map4993 N=2000     the #4993 flow of flow_overhead.py (3N + 4 task runs), run with
                     the journal off and on in one process, each case going first in
                     turn; best of --repeat for each:
      off / on       one run; with the journal on, flow.run() returns once the run is
                     committed, so this is the whole cost (nothing left behind)
      off x5 / on x5 five runs back to back, per run
                     Printed: wall time against off, and the process's CPU time
                     (all threads) against off, which a busy machine disturbs less.
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


def cpu_timed(fn):
    """(wall, CPU of the whole process: every thread) seconds of one call."""
    cpu, wall = time.process_time(), time.perf_counter()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def overhead_rows(prefect, n, repeat):
    from prefect_compat.utilities.configuration import set_temporary_config

    flow, task_runs = build_map4993(prefect, n)
    keys = ("off", "on", "off x5", "on x5")
    best = {key: [float("inf"), float("inf")] for key in keys}

    def run_once():
        state = flow.run()
        if not state.is_successful():
            raise SystemExit(f"map4993 N={n}: flow did not succeed: {state!r}")

    def measure(key):
        runs = 5 if key.endswith("x5") else 1

        def body():
            for _ in range(runs):
                run_once()

        with set_temporary_config({"journal.enabled": key.startswith("on")}):
            wall, cpu = cpu_timed(body)
        return wall / runs, cpu / runs

    for attempt in range(repeat + 1):  # the first round warms up
        shift = attempt % len(keys)  # each case goes first in turn: no order bias
        for key in keys[shift:] + keys[:shift]:
            wall, cpu = measure(key)
            if attempt:
                best[key] = [min(best[key][0], wall), min(best[key][1], cpu)]
    return [
        {
            "case": f"map4993 N={n} {key}",
            "seconds": best[key][0],
            "task_runs": task_runs,
            "us_per_task": best[key][0] / task_runs * 1e6,
            "vs_off": best[key][0] / best[key.replace("on", "off")][0],
            "cpu_vs_off": best[key][1] / best[key.replace("on", "off")][1],
        }
        for key in keys
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
            rows = overhead_rows(prefect, args.n, args.repeat)
            rows += resume_rows(prefect, os.path.join(root, "results"), args.children, 3)
            _journal.flush()
    finally:
        shutil.rmtree(root, ignore_errors=True)
    if args.json:
        _harness.report(rows, args, __file__)
        return
    for row in rows:
        ratio = ""
        if "vs_off" in row:
            ratio = f"   {row['vs_off']:5.2f}x off (CPU: {row['cpu_vs_off']:5.2f}x)"
        print(
            f"{row['case']:<32} {row['seconds']:9.4f} s  {row['task_runs']:7d} task runs  "
            f"{row['us_per_task']:8.2f} us/task run{ratio}",
            flush=True,
        )


if __name__ == "__main__":
    main()
