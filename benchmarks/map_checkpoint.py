"""Checkpointing cost: a mapped task over N items writing LocalResults, per item.

  ours    flow.run() of `work.map(items)` with checkpointing on; each child writes
          `<dir>/{map_index}.pkl` through LocalResult (serialize, temp file, rename)
  floor   the same bytes written by hand: cloudpickle.dumps + tempfile.mkstemp in the
          target dir + write + os.replace, per item, no engine at all

With --fsync both ours (config `results.local.fsync = true`) and the floor also fsync
each file before the rename; durable writes then cost a disk flush per item.
  prefect real Prefect 1.4.1 running the same flow (with --compare)

Every run writes into a fresh directory in a temp dir under each of `--dirs` (default
`tmpfs,disk`: /dev/shm, where the write is nearly free and the engine shows, and a temp
dir on a real disk), removed at the end; engine and floor runs alternate in the same
process so both see the same disk. The ratio is the best engine run over the best floor
run; the "paired median" is the median of each engine run over the floor run right after
it, which holds better when the disk's speed changes during the measurement. Each
figure is measured at INFO and at WARNING (`--levels`), each in a fresh process;
`--baseline SRC` and `--record FILE` as in _harness.py. Compare ratios, not absolute
numbers: fsync latency depends on the filesystem and on what else is using the disk
(on tmpfs it is nearly free, on a busy disk it dominates).
Prefect 1.4.1 never fsyncs its results.

Usage:  python benchmarks/map_checkpoint.py [--n 250,1000,2000] [--repeat 5]
            [--dirs tmpfs,disk] [--fsync] [--compare] [--baseline SRC] [--record FILE]
"""

from __future__ import annotations

import os
import shutil
import statistics
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
    shutil.rmtree(directory)  # every run starts from the same, nearly empty, file system
    return seconds


def floor_once(items, base):
    directory = fresh_dir(base, "floor")
    start = time.perf_counter()
    raw_floor(items, directory)
    seconds = time.perf_counter() - start
    shutil.rmtree(directory)
    return seconds


def best_interleaved(prefect, items, base, repeat):
    """Best engine and floor times, alternating runs so both see the same disk weather,
    and the median of each engine run over the floor run right after it (a disk's
    speed can change between the best engine run and the best floor run)."""
    engine, floor, ratios = float("inf"), float("inf"), []
    for _ in range(max(1, repeat)):
        one = engine_once(prefect, items, base)
        other = floor_once(items, base)
        engine, floor = min(engine, one), min(floor, other)
        ratios.append(one / other)
    return engine, floor, statistics.median(ratios)


def fs_type(path):
    """The file system type holding `path`, from /proc/mounts ('?' elsewhere)."""
    path = os.path.realpath(path)
    best, kind = "", "?"
    try:
        with open("/proc/mounts", encoding="utf-8") as fh:
            for line in fh:
                parts = line.split()
                mount = parts[1]
                inside = path == mount or path.startswith(mount.rstrip("/") + "/")
                if inside and len(mount) > len(best):
                    best, kind = mount, parts[2]
    except OSError:
        pass
    return kind


def disk_dir():
    """A temp dir on a real disk: the system temp dir unless it is a tmpfs."""
    for candidate in (tempfile.gettempdir(), "/var/tmp", str(Path.home())):
        if os.path.isdir(candidate) and fs_type(candidate) not in ("tmpfs", "ramfs"):
            return candidate
    return tempfile.gettempdir()


def storage_dirs(spec):
    """[(label, path)] from `--dirs`: `tmpfs` is /dev/shm, `disk` a real disk, else a path."""
    out = []
    for item in (v.strip() for v in spec.split(",")):
        if item == "tmpfs":
            out.append(("tmpfs", "/dev/shm"))
        elif item == "disk":
            out.append(("disk", disk_dir()))
        elif item:
            label = "tmpfs" if fs_type(item) in ("tmpfs", "ramfs") else "disk"
            out.append((label, item))
    for label, path in out:
        if not os.path.isdir(path):
            raise SystemExit(f"--dirs: {path!r} ({label}) is not a directory")
    return out


def measure(prefect, args):
    rows = []
    sizes = [int(v) for v in str(args.n).split(",") if v]
    for label, path in storage_dirs(args.dir or args.dirs):
        base = tempfile.mkdtemp(prefix="map-checkpoint-", dir=path)
        try:
            engine_once(prefect, make_items(10), base)  # warm up imports and first-run caches
            for n in sizes:
                if args.max_n is not None and n > args.max_n:
                    continue
                items = make_items(n)
                engine, floor, paired = best_interleaved(prefect, items, base, args.repeat)
                tags = {"n": n, "storage": label, "fs": fs_type(path), "fsync": FSYNC}
                # the engine row carries the floor of its own process: ratios pair them
                rows.append(
                    _harness.row(
                        f"engine {label} N={n}",
                        engine,
                        n,
                        shape="checkpoint",
                        floor_seconds=floor,
                        paired_ratio=paired,
                        **tags,
                    )
                )
                rows.append(_harness.row(f"floor {label} N={n}", floor, n, shape="floor", **tags))
        finally:
            shutil.rmtree(base, ignore_errors=True)
    return rows


def _who(r):
    if r["role"] == "ours":
        return "prefect-compat"
    if r["role"] == "baseline":
        return f"baseline {r.get('commit') or ''}".rstrip()
    return r["engine"]


def summarize(rows):
    """engine/floor per level, storage and N: each best engine run against the floor
    measured in the same process, alternately with it."""
    by = {(r["role"], r["level"], r["case"]): r for r in rows}
    print("checkpoint cost against the raw floor measured in the same process:")
    for r in rows:
        if r["role"] != "ours" or r["shape"] != "checkpoint":
            continue
        parts = [f"  {r['level']:<8} {r['storage']:<5} ({r['fs']}) N={r['n']}:"]
        for role in ("ours", "baseline", "reference"):
            engine = by.get((role, r["level"], r["case"]))
            if engine and engine.get("floor_seconds"):
                floor_us = engine["floor_seconds"] / engine["task_runs"] * 1e6
                ratio = engine["seconds"] / engine["floor_seconds"]
                paired = engine.get("paired_ratio")
                parts.append(
                    f"{_who(engine)} {engine['us_per_task']:.1f} us/item = {ratio:.2f}x "
                    f"floor {floor_us:.1f}" + (f" (paired median {paired:.2f}x)" if paired else "")
                )
        print(parts[0], " | ".join(parts[1:]))


def main():
    def extra(parser):
        parser.add_argument(
            "--n", default="2000", help="mapped items, comma-separated (default 2000)"
        )
        parser.add_argument(
            "--dirs",
            default="tmpfs,disk",
            help="where to write: tmpfs (/dev/shm), disk (a temp dir on a real disk) or paths "
            "(default tmpfs,disk)",
        )
        parser.add_argument("--dir", default=None, help="one directory (overrides --dirs)")
        parser.add_argument("--fsync", action="store_true", help="durable writes, both sides")

    if "--fsync" in sys.argv:
        # before the engine is imported, and inherited by every child process
        os.environ["PREFECT__RESULTS__LOCAL__FSYNC"] = "true"
        global FSYNC
        FSYNC = True
    _harness.main(__file__, __doc__.splitlines()[0], measure, extra, summarize)


if __name__ == "__main__":
    main()
