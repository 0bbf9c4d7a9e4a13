"""`prefect-compat results ls / show`, on checkpoint files written by real LocalResults."""

from __future__ import annotations

import os
import pickle
import re

from prefect_compat.engine.results import LocalResult
from prefect_compat.engine.serializers import JSONSerializer
from prefect_compat.engine.state import Success
from tests.cli.helpers import script


def _write(root, location, value, mtime, **kwargs):
    """Store `value` through LocalResult, as the engine does, and pin its mtime."""
    result = LocalResult(dir=str(root), location=location, **kwargs).write(value)
    os.utime(result.location, (mtime, mtime))
    return result.location


def _rows(stdout: str) -> list[list[str]]:
    lines = stdout.splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.startswith("LOCATION"))
    return [re.split(r"\s{2,}", ln.strip()) for ln in lines[start + 1 :]]


def test_ls_lists_checkpoints_newest_first_and_skips_temp_files(cli, tmp_path):
    root = tmp_path / "store"
    _write(root, "flow/run-1/numbers.pkl", list(range(100)), mtime=1_700_000_000)
    _write(root, "flow/run-1/total.pkl", 4950, mtime=1_700_000_300)
    _write(root, "flow/run-1/square[0].pkl", 0, mtime=1_700_000_100)
    (root / "flow" / "run-1" / ".tmp-abc123.part").write_bytes(b"half a write")
    proc = cli("results", "ls", root)
    assert proc.returncode == 0, proc.stderr
    assert f"3 checkpoint files under {root} (newest first)" in proc.stdout
    rows = _rows(proc.stdout)
    assert [r[0] for r in rows] == [
        "flow/run-1/total.pkl",
        "flow/run-1/square[0].pkl",
        "flow/run-1/numbers.pkl",
    ]
    size = (root / "flow/run-1/numbers.pkl").stat().st_size
    assert rows[2][1] == f"{size} B"
    assert rows[0][2].startswith("2023-11-1")  # local time of 1_700_000_300
    assert ".tmp-" not in proc.stdout
    assert "Note: 1 temporary .tmp-*.part file(s) of unfinished writes not listed" in (proc.stderr)
    assert f"prefect-compat results clean {root}" in proc.stderr


def test_ls_defaults_to_home_dir_results(cli):
    _write(cli.results, "only.pkl", {"a": 1}, mtime=1_700_000_000)
    proc = cli("results", "ls")
    assert proc.returncode == 0, proc.stderr
    assert f"1 checkpoint files under {cli.results}" in proc.stdout
    assert _rows(proc.stdout)[0][0] == "only.pkl"


def test_ls_on_an_empty_or_missing_directory(cli, tmp_path):
    (tmp_path / "empty").mkdir()
    proc = cli("results", "ls", tmp_path / "empty")
    assert proc.returncode == 0
    assert f"No checkpoint files under {tmp_path / 'empty'}" in proc.stdout
    proc = cli("results", "ls", tmp_path / "missing")
    assert proc.returncode == 1
    assert f"no results directory at {tmp_path / 'missing'}" in proc.stderr


def test_ls_lists_what_a_cli_run_checkpointed(cli, tmp_path):
    out = tmp_path / "out"
    run = cli("run", script("squares_defined.py"), "--checkpoint", "--result-dir", out)
    assert run.returncode == 0, run.stderr
    proc = cli("results", "ls", out)
    assert proc.returncode == 0, proc.stderr
    locations = sorted(r[0].split("/", 2)[2] for r in _rows(proc.stdout))
    assert locations == ["numbers.pkl", "square[0].pkl", "square[1].pkl", "square[2].pkl",
                         "total.pkl"]  # fmt: skip


def test_show_pretty_prints_a_value(cli, tmp_path):
    value = {"rows": [{"id": i, "name": f"item-{i}" * 3} for i in range(6)], "total": 15}
    path = _write(tmp_path, "report.pkl", value, mtime=1_700_000_000)
    proc = cli("results", "show", path)
    assert proc.returncode == 0, proc.stderr
    header, body = proc.stdout.split("\n", 1)
    assert header == f"{path} ({os.path.getsize(path)} B, PickleSerializer) -> builtins.dict"
    assert eval(body) == value  # the pretty print is a faithful repr
    assert len(body.splitlines()) > 1  # and it is pretty: spread over lines


def test_show_resolves_locations_relative_to_dir_or_the_default(cli, tmp_path):
    _write(cli.results, "flow/a.pkl", [1, 2, 3], mtime=1_700_000_000)
    _write(tmp_path / "elsewhere", "b.pkl", "bee", mtime=1_700_000_000)
    proc = cli("results", "show", "flow/a.pkl")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[-1] == "[1, 2, 3]"
    proc = cli("results", "show", "b.pkl", "--dir", tmp_path / "elsewhere")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[-1] == "'bee'"


def test_show_with_another_serializer(cli, tmp_path):
    path = _write(tmp_path, "data.json", {"k": [1, 2]}, mtime=1_700_000_000,
                  serializer=JSONSerializer())  # fmt: skip
    proc = cli("results", "show", path, "--serializer", "json")
    assert proc.returncode == 0, proc.stderr
    assert "JSONSerializer" in proc.stdout
    assert proc.stdout.splitlines()[-1] == "{'k': [1, 2]}"
    # read with the wrong serializer: a clear error, not garbage
    proc = cli("results", "show", path)
    assert proc.returncode == 1
    assert f"Error: cannot load {path}: Cannot read the result at 'data.json' with " in (
        proc.stderr
    )
    assert "PickleSerializer: the data is corrupt or was written with another serializer" in (
        proc.stderr
    )


def test_show_reports_corrupt_and_missing_data(cli, tmp_path):
    bad = tmp_path / "bad.pkl"
    bad.write_bytes(pickle.dumps([1, 2, 3])[:-4])  # a truncated pickle
    proc = cli("results", "show", bad)
    assert proc.returncode == 1
    assert "the data is corrupt or was written with another serializer" in proc.stderr
    assert "Traceback" not in proc.stderr
    proc = cli("results", "show", tmp_path / "nothing.pkl")
    assert proc.returncode == 1
    assert f"Error: cannot load {tmp_path / 'nothing.pkl'}: No result found" in proc.stderr


def test_show_rejects_an_unknown_serializer_name(cli, tmp_path):
    path = _write(tmp_path, "x.pkl", 1, mtime=1_700_000_000)
    proc = cli("results", "show", path, "--serializer", "yaml")
    assert proc.returncode == 2
    assert "Unknown serializer name 'yaml'; valid names are" in proc.stderr
    assert "'json'" in proc.stderr and "'pickle'" in proc.stderr


def test_show_loads_pickles_that_name_prefect_classes(cli, tmp_path):
    """A checkpoint written by Prefect-era code refers to `prefect.engine.state`."""
    legacy = pickle.dumps(Success("old run", result=41), protocol=0)
    legacy = legacy.replace(b"prefect_compat.", b"prefect.")
    assert b"cprefect.engine.state" in legacy
    path = tmp_path / "legacy.pkl"
    path.write_bytes(legacy)
    proc = cli("results", "show", path)
    assert proc.returncode == 0, proc.stderr
    assert "-> prefect_compat.engine.state.Success" in proc.stdout
    assert '<Success: "old run">' in proc.stdout
