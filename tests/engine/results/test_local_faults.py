"""A full disk and a read-only directory under a checkpointing flow.

As root (CI runs as root) the faults are real filesystems: a 1 MiB tmpfs, and a
tmpfs mounted read-only. Elsewhere `mount` is not allowed, so the same tests run
against the failure the kernel would give: LocalStorage's file write raising
ENOSPC, and a directory without write permission (which only binds non-root users).
Either way the task fails with the OS's reason and the location, and no partial
or temporary file is left behind.
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from prefect_compat import Flow, task
from prefect_compat._storage import local as local_storage
from prefect_compat.engine.results import LocalResult
from prefect_compat.utilities.configuration import set_temporary_config

MiB = 1024 * 1024


def _mount_tmpfs(path: Path, options: str) -> bool:
    """Mount a tmpfs at `path` when this process may (root with a usable `mount`)."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)],
        capture_output=True,
        check=False,
    )
    return done.returncode == 0


def _umount(path: Path) -> None:
    subprocess.run(["umount", str(path)], capture_output=True, check=True)


@pytest.fixture
def full_disk(tmp_path, monkeypatch):
    """(directory, real): writes past 1 MiB there fail with ENOSPC."""
    directory = tmp_path / "tiny"
    directory.mkdir()
    if _mount_tmpfs(directory, "size=1m,mode=0755"):
        yield directory, True
        _umount(directory)
        return
    real_fill = local_storage._fill

    def fill_until_full(fd, data, fsync):
        if len(data) > MiB:
            os.close(fd)
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        real_fill(fd, data, fsync)

    monkeypatch.setattr(local_storage, "_fill", fill_until_full)
    yield directory, False


@pytest.fixture
def read_only_dir(tmp_path):
    """(directory, real): a directory no file can be created in."""
    directory = tmp_path / "ro"
    directory.mkdir()
    if _mount_tmpfs(directory, "ro,size=64k"):
        yield directory, True
        _umount(directory)
        return
    directory.chmod(0o555)
    yield directory, False
    directory.chmod(0o755)


def _checkpointing_flow(directory: Path, big: int):
    result = LocalResult(dir=str(directory), location="{task_name}.bin")

    @task(result=result)
    def small():
        return b"x" * 100

    @task(result=result)
    def large(_):
        return b"y" * big

    with Flow("disk") as flow:
        first = small()
        second = large(first)
    return flow, first, second


def test_a_full_disk_fails_the_task_and_leaves_no_partial_file(full_disk):
    directory, real = full_disk
    flow, first, second = _checkpointing_flow(directory, big=2 * MiB)
    with set_temporary_config({"flows.checkpointing": True}):
        state = flow.run()
    assert state.is_failed()
    assert state.result[first].is_successful()
    failed = state.result[second]
    assert failed.is_failed()
    assert "No space left on device" in failed.message
    assert f"{directory}/large.bin" in failed.message
    assert "free space on that filesystem" in failed.message
    assert sorted(os.listdir(directory)) == ["small.bin"]  # no large.bin, no .tmp-*.part
    if real:
        assert shutil.disk_usage(directory).total <= 2 * MiB


def test_a_read_only_directory_fails_the_task_naming_the_location(read_only_dir):
    directory, real = read_only_dir
    if not real and os.geteuid() == 0:  # pragma: no cover - root ignores permissions
        pytest.fail("running as root but could not mount a read-only tmpfs")
    flow, first, _ = _checkpointing_flow(directory, big=10)
    with set_temporary_config({"flows.checkpointing": True}):
        state = flow.run()
    failed = state.result[first]
    assert failed.is_failed()
    reason = "Read-only file system" if real else "Permission denied"
    assert reason in failed.message
    assert f"{directory}/small.bin" in failed.message
    assert os.listdir(directory) == []
