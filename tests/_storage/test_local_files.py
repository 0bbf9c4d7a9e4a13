"""Checkpoint files as a user expects: modes follow the umask, abandoned temp files go.

The atomic write creates `.tmp-<token><counter>.part` next to the target with mode 0666
(the umask applies, as for open()) and renames it into place. Temp files an
interrupted writer left are removed on the first write into a directory in each
flow run once they are older than `results.local.stale_temp_age`; younger ones may
be another writer's file in flight and are kept.
"""

from __future__ import annotations

import os
import select
import signal
import stat
import time
import uuid
import warnings
from pathlib import Path

import pytest

import prefect_compat
from prefect_compat import Flow, task
from prefect_compat._storage.local import LocalStorage, stale_temp_files, sweep_temp_files
from prefect_compat.engine.results import LocalResult
from prefect_compat.utilities.configuration import set_temporary_config

HOUR = 3600


@pytest.fixture
def umask():
    """set(mask): change the process umask for this test; restored afterwards."""
    saved = os.umask(0o022)
    yield os.umask
    os.umask(saved)


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def temp_file(directory, age_seconds: float, name: str | None = None):
    """An abandoned-looking temp file, last modified `age_seconds` ago."""
    path = directory / (name or f".tmp-{uuid.uuid4().hex[:12]}.part")
    path.write_bytes(b"half a write")
    then = time.time() - age_seconds
    os.utime(path, (then, then))
    return path


@pytest.mark.parametrize(("mask", "expected"), [(0o022, 0o644), (0o027, 0o640), (0o077, 0o600)])
def test_checkpoint_files_follow_the_umask(tmp_path, umask, mask, expected):
    umask(mask)
    path = LocalResult(dir=str(tmp_path), location="sub/out.pkl").write([1, 2]).location
    assert mode(path) == expected
    assert sorted(os.listdir(tmp_path / "sub")) == ["out.pkl"]  # no temp file left


def test_a_rewrite_takes_the_current_umask_and_replaces_atomically(tmp_path, umask):
    storage = LocalStorage(str(tmp_path))
    umask(0o077)
    path = storage.write_bytes("f.bin", b"old")
    inode = os.stat(path).st_ino
    umask(0o022)
    storage.write_bytes("f.bin", b"new")
    assert mode(path) == 0o644
    assert os.stat(path).st_ino != inode  # a new file renamed over the old one
    assert Path(path).read_bytes() == b"new"


def test_the_first_write_in_a_run_removes_stale_temp_files_only(tmp_path):
    stale = temp_file(tmp_path, 2 * HOUR)
    in_flight = temp_file(tmp_path, 5)  # another writer's file, just created
    with prefect_compat.context(flow_run_id="run-1"):
        LocalResult(dir=str(tmp_path), location="a.pkl").write(1)
    assert not stale.exists()
    assert in_flight.exists()
    assert (tmp_path / "a.pkl").exists()


def test_each_directory_is_swept_once_per_run(tmp_path):
    result = LocalResult(dir=str(tmp_path), location="{x}.pkl")
    with prefect_compat.context(flow_run_id="run-1"):
        result.write(1, x="a")
        later = temp_file(tmp_path, 2 * HOUR)
        result.write(2, x="b")  # same directory, same run: not scanned again
        assert later.exists()
    with prefect_compat.context(flow_run_id="run-2"):
        result.write(3, x="c")
    assert not later.exists()


def test_a_flow_run_sweeps_the_directories_it_writes(tmp_path):
    (tmp_path / "f" / "double").mkdir(parents=True)
    stale = temp_file(tmp_path / "f" / "double", 2 * HOUR)
    untouched = temp_file(tmp_path, 2 * HOUR)  # nothing is written directly in the root

    @task(result=LocalResult(dir=str(tmp_path), location="{flow_name}/{task_name}/{x}.pkl"))
    def double(x):
        return 2 * x

    with Flow("f") as flow:
        double.map([1, 2, 3])
    with set_temporary_config({"flows.checkpointing": True}):
        assert flow.run().is_successful()
    assert sorted(os.listdir(tmp_path / "f" / "double")) == ["1.pkl", "2.pkl", "3.pkl"]
    assert not stale.exists()
    assert untouched.exists()


@pytest.mark.parametrize("setting", [False, 0])
def test_the_sweep_can_be_turned_off(tmp_path, setting):
    stale = temp_file(tmp_path, 48 * HOUR)
    with set_temporary_config({"results.local.stale_temp_age": setting}):
        with prefect_compat.context(flow_run_id=f"run-off-{setting}"):
            LocalResult(dir=str(tmp_path), location="a.pkl").write(1)
    assert stale.exists()


def test_the_age_is_configurable(tmp_path):
    ten_minutes_old = temp_file(tmp_path, 600)
    with set_temporary_config({"results.local.stale_temp_age": 300}):
        with prefect_compat.context(flow_run_id="run-age"):
            LocalResult(dir=str(tmp_path), location="a.pkl").write(1)
    assert not ten_minutes_old.exists()


def test_only_temp_file_names_are_candidates(tmp_path):
    old_result = temp_file(tmp_path, 2 * HOUR, name="result.pkl")
    old_hidden = temp_file(tmp_path, 2 * HOUR, name=".tmp-notes.txt")
    old_temp = temp_file(tmp_path, 2 * HOUR)
    assert stale_temp_files(str(tmp_path), HOUR) == [str(old_temp)]
    assert sweep_temp_files(str(tmp_path), HOUR) == [str(old_temp)]
    assert old_result.exists() and old_hidden.exists()


def test_a_taken_temp_name_is_skipped_and_the_write_still_lands(tmp_path, monkeypatch):
    from prefect_compat._storage import local

    names = local._temp_name
    token, start = names.token, next(names.counter) + 1
    taken = tmp_path / f"{local.TEMP_PREFIX}{token}{start:x}{local.TEMP_SUFFIX}"
    taken.write_bytes(b"someone else's")
    path = LocalStorage(str(tmp_path)).write_bytes("out.bin", b"mine")
    assert Path(path).read_bytes() == b"mine"
    assert taken.read_bytes() == b"someone else's"  # O_EXCL: never opened, never removed
    assert sorted(os.listdir(tmp_path)) == sorted(["out.bin", taken.name])
    assert next(names.counter) == start + 2  # the taken name was tried, then the next one


def test_a_forked_process_draws_its_own_temp_names(tmp_path):
    from prefect_compat._storage import local

    read, write = os.pipe()
    with warnings.catch_warnings():  # 3.12+: fork in a threaded process; the child only writes
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # the child reports its token and exits at once
        os.write(write, local._temp_name.token.encode())
        os._exit(0)
    os.close(write)
    child_token = os.read(read, 64).decode()
    os.close(read)
    os.waitpid(pid, 0)
    assert len(child_token) == 12
    assert child_token != local._temp_name.token


def test_a_child_forked_while_the_sweep_lock_is_held_can_still_write(tmp_path):
    from prefect_compat._storage import local

    read, write = os.pipe()
    with local._swept_lock:  # as if another thread of the parent were sweeping
        with warnings.catch_warnings():  # 3.12+: fork in a threaded process
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
        if pid == 0:  # the write sweeps the new directory first, under the lock
            try:
                LocalStorage(str(tmp_path), stale_after=60).write_bytes("child.bin", b"ok")
                os.write(write, b"written")
            finally:
                os._exit(0)
    os.close(write)
    ready, _, _ = select.select([read], [], [], 10)
    if not ready:
        os.kill(pid, signal.SIGKILL)
    report = os.read(read, 64) if ready else b"the child hung on the sweep lock"
    os.close(read)
    os.waitpid(pid, 0)
    assert report == b"written"
    assert (tmp_path / "child.bin").read_bytes() == b"ok"


def test_a_short_os_write_is_continued_until_every_byte_is_written(tmp_path, monkeypatch):
    from prefect_compat._storage import local

    real_write = os.write

    def at_most_3(fd, data):
        return real_write(fd, bytes(data[:3]))

    monkeypatch.setattr(local.os, "write", at_most_3)
    path = LocalStorage(str(tmp_path)).write_bytes("out.bin", b"0123456789")
    assert Path(path).read_bytes() == b"0123456789"
