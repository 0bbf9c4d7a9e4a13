"""The benchmark plumbing that decides what a figure means (no timings are judged here).

benchmarks/ is not a package: the scripts put their own directory on sys.path, so the
modules are loaded here from their files.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "benchmarks"


def load(name: str):
    spec = importlib.util.spec_from_file_location(f"_bench_{name}", BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


harness = load("_harness")
plot = load("plot")


def test_children_get_the_measuring_options_only():
    argv = [
        "--n",
        "100,200",
        "--levels=INFO",
        "--baseline",
        "/src",
        "--compare",
        "--record",
        "out.jsonl",
        "--rounds=3",
        "--repeat",
        "5",
        "--cases",
        "chain",
        "--log-level",
        "DEBUG",
        "--compare-max-n",
        "50",
    ]
    assert harness.child_argv(argv) == ["--n", "100,200", "--cases", "chain"]


def record(ts, rows, **extra):
    return {"script": "map_checkpoint", "timestamp": ts, "commit": "abc1234", "rows": rows, **extra}


def cp(role, shape, seconds, *, level="INFO", n=2000, storage="tmpfs", engine="prefect-compat"):
    return {
        "case": f"{'engine' if shape == 'checkpoint' else 'floor'} {storage} N={n}",
        "seconds": seconds,
        "task_runs": n,
        "us_per_task": seconds / n * 1e6,
        "shape": shape,
        "n": n,
        "storage": storage,
        "role": role,
        "level": level,
        "engine": engine,
    }


def test_each_engine_is_divided_by_the_best_floor_of_its_own_processes(tmp_path):
    path = tmp_path / "records.jsonl"
    first = record(
        "2026-01-01T00:00:00",
        [
            cp("ours", "checkpoint", 0.4),
            cp("ours", "floor", 0.2),
            cp("baseline", "checkpoint", 0.9),
            cp("baseline", "floor", 0.3),  # the baseline's own floor, not ours
            cp("ours", "checkpoint", 0.8, level="WARNING"),
            cp("ours", "floor", 0.1, level="WARNING"),
        ],
    )
    second = record(
        "2026-01-02T00:00:00",
        [cp("ours", "checkpoint", 0.3), cp("ours", "floor", 0.25)],
    )
    path.write_text(json.dumps(first) + "\n" + json.dumps(second) + "\n")
    rows = plot.load_rows([str(path)])
    ratios = {key: round(ratio, 6) for key, (ratio, _) in plot.floor_ratios(rows, 2000).items()}
    assert ratios == {
        ("prefect-compat, INFO", "tmpfs"): 1.5,  # best engine 0.3 / best floor 0.2
        ("prefect-compat (before), INFO", "tmpfs"): 3.0,
        ("prefect-compat, WARNING", "tmpfs"): 8.0,
    }


def test_rows_without_shape_or_level_get_them_from_the_case_and_record(tmp_path):
    path = tmp_path / "legacy.jsonl"
    legacy = {
        "script": "v2_flow",
        "timestamp": "2026-01-01T00:00:00",
        "commit": "abc1234",
        "levels": ["INFO"],
        "rows": [
            {"case": "sequential N=1000", "seconds": 0.02, "task_runs": 1000, "us_per_task": 20}
        ],
    }
    path.write_text(json.dumps(legacy) + "\n")
    (row,) = plot.load_rows([str(path)])
    assert (row["shape"], row["n"], row["level"], row["role"], row["commit"]) == (
        "sequential",
        1000,
        "INFO",
        "ours",
        "abc1234",
    )
    assert plot.label(row) == "prefect-compat, INFO"


def test_an_engine_row_is_divided_by_the_floor_of_its_own_process(tmp_path):
    path = tmp_path / "records.jsonl"
    slow_disk = cp("ours", "checkpoint", 0.5, storage="disk")
    slow_disk["floor_seconds"] = 0.4  # measured alternately with it, in the same process
    fast_floor = cp("ours", "floor", 0.1, storage="disk")  # another run, a quieter disk
    path.write_text(json.dumps(record("2026-01-01T00:00:00", [slow_disk, fast_floor])) + "\n")
    ((ratio, _),) = plot.floor_ratios(plot.load_rows([str(path)]), 2000).values()
    assert round(ratio, 6) == 1.25


def test_the_paired_ratio_divides_each_engine_run_by_the_floor_run_next_to_it(monkeypatch, capsys):
    checkpoint = load("map_checkpoint")
    engine_runs = iter([1.0, 2.2, 2.1])
    floor_runs = iter([0.9, 2.0, 0.5])  # the disk got fast for the last floor run only
    monkeypatch.setattr(checkpoint, "engine_once", lambda *a: next(engine_runs))
    monkeypatch.setattr(checkpoint, "floor_once", lambda *a: next(floor_runs))
    engine, floor, paired = checkpoint.best_interleaved(None, [], "/nowhere", 3)
    assert (engine, floor) == (1.0, 0.5)  # best over best: 2.0x
    assert round(paired, 3) == 1.111  # median of 1.111, 1.1 and 4.2
    row = cp("ours", "checkpoint", engine, storage="disk")
    row.update(floor_seconds=floor, paired_ratio=paired, level="INFO", fs="ext4")
    checkpoint.summarize([row])
    printed = capsys.readouterr().out
    assert "= 2.00x floor 250.0 (paired median 1.11x)" in printed
