"""Checkpointing cost: a mapped task over N items writing LocalResults, per item.

  ours    flow.run() of `work.map(items)` with checkpointing on; each child writes
          `<dir>/{map_index}.pkl` through LocalResult (serialize, temp file, rename)
  floor   the same bytes written by hand: cloudpickle.dumps + tempfile.mkstemp in the
          target dir + write + os.replace, per item, no engine at all

With --fsync both ours (config `results.local.fsync = true`) and the floor also fsync
each file before the rename; durable writes then cost a disk flush per item.
  prefect real Prefect 1.4.1 running the same flow (with --compare)

Every run writes into a fresh directory in a temp dir under --dir (default: the system
temp dir), removed at the end; engine and floor runs alternate so both see the same
disk. Compare ratios, not absolute numbers: fsync latency depends on the filesystem and
on what else is using the disk (on tmpfs it is nearly free, on a busy disk it dominates).
Prefect 1.4.1 never fsyncs its results.

Usage:  python benchmarks/map_checkpoint.py [--n 1000] [--repeat 5] [--dir PATH] [--compare]
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


def make_items(n):
    return [{"index": i, "values": list(range(i, i + 50))} for i in range(n)]


def build_flow(prefect, items, directory):
    from importlib import import_module

    local_result = import_module(prefect.__name__ + ".engine.results").LocalResult

    @prefect.task
    def source():
        return items

    @prefect.task(result=local_result(dir=directory, location="{map_index}.pkl"))
    def work(x):
        return x

    with prefect.Flow("map-checkpoint") as flow:
        work.map(source())
    return flow


FSYNC = os.environ.get("PREFECT__RESULTS__LOCAL__FSYNC", "").lower() == "true"


def raw_floor(items, directory):
    """The least any engine must do per item: pickle, temp file, (fsync,) rename."""
    import cloudpickle

    for i, item in enumerate(items):
        data = cloudpickle.dumps(item)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=".part")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            if FSYNC:
                fh.flush()
                os.fsync(fh.fileno())
        os.replace(tmp, os.path.join(directory, f"{i}.pkl"))


def fresh_dir(base, label, counter=[0]):  # noqa: B006 - a per-process counter
    counter[0] += 1
    path = os.path.join(base, f"{label}-{counter[0]}")
    os.makedirs(path)
    return path


def engine_once(prefect, items, base):
    directory = fresh_dir(base, "engine")
    flow = build_flow(prefect, items, directory)
    start = time.perf_counter()
    with prefect.context(checkpointing=True):
        state = flow.run()
    seconds = time.perf_counter() - start
    if not state.is_successful():
        raise SystemExit(f"flow did not succeed: {state!r}")
    written = len(os.listdir(directory))
    if written != len(items):
        raise SystemExit(f"expected {len(items)} checkpoint files, found {written}")
    return seconds


def floor_once(items, base):
    directory = fresh_dir(base, "floor")
    start = time.perf_counter()
    raw_floor(items, directory)
    return time.perf_counter() - start


def best_interleaved(prefect, items, base, repeat):
    """Best engine and floor times, alternating runs so both see the same disk weather."""
    engine, floor = float("inf"), float("inf")
    for _ in range(max(1, repeat)):
        engine = min(engine, engine_once(prefect, items, base))
        floor = min(floor, floor_once(items, base))
    return engine, floor


def row(case, seconds, n):
    return {"case": case, "seconds": seconds, "task_runs": n, "us_per_task": seconds / n * 1e6}


def main():
    def extra(parser):
        parser.add_argument("--n", type=int, default=1000, help="mapped items (default 1000)")
        parser.add_argument("--dir", default=None, help="where to make the temp dir")
        parser.add_argument("--fsync", action="store_true", help="durable writes, both sides")

    global FSYNC
    args = _harness.parse_args(__doc__.splitlines()[0], extra)
    if args.fsync:
        os.environ["PREFECT__RESULTS__LOCAL__FSYNC"] = "true"
        FSYNC = True
    prefect = _harness.load_prefect(args.engine)
    items = make_items(args.n)
    base = tempfile.mkdtemp(prefix="map-checkpoint-", dir=args.dir)
    try:
        engine_once(prefect, items[:10], base)  # warm up imports and first-run caches
        engine, floor = best_interleaved(prefect, items, base, args.repeat)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    rows = [row("engine", engine, args.n), row("floor", floor, args.n)]
    if args.json:
        _harness.report(rows, args, __file__)
        return
    ours, floor = rows[0]["us_per_task"], rows[1]["us_per_task"]
    mode = "fsync on" if FSYNC else "fsync off"
    print(f"map_checkpoint N={args.n}, {mode}, best of {args.repeat} (files under {base}, removed)")
    print(f"  ours           {ours:9.1f} us/item")
    print(f"  raw floor      {floor:9.1f} us/item   ours/floor = {ours / floor:5.2f}x")
    if args.compare:
        reference = {
            r["case"]: r for r in _harness.run_reference(__file__, _harness.passthrough_args())
        }
        theirs = reference["engine"]["us_per_task"]
        print(
            f"  prefect 1.4.1  {theirs:9.1f} us/item   prefect/ours = {theirs / ours:5.1f}x faster"
        )
        print(
            f"  (floor measured in the 1.4.1 run: {reference['floor']['us_per_task']:.1f} us/item)"
        )


if __name__ == "__main__":
    main()
