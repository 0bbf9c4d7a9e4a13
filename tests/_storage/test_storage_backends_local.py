"""LocalStorage and MemoryStorage against the storage contract, plus atomicity."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from prefect_compat._storage import local as local_module
from prefect_compat._storage.base import StorageError, contained_path
from prefect_compat._storage.local import LocalStorage
from prefect_compat._storage.memory import MemoryStorage
from tests.contracts.storage_contract import StorageContract


class TestMemoryStorage(StorageContract):
    @pytest.fixture
    def storage(self):
        return MemoryStorage()


class TestLocalStorage(StorageContract):
    @pytest.fixture
    def storage(self, tmp_path):
        return LocalStorage(str(tmp_path / "root"))

    def test_write_returns_absolute_path_inside_root(self, storage, tmp_path):
        location = storage.write_bytes("x/y.bin", b"1")
        assert location == str(tmp_path / "root" / "x" / "y.bin")
        assert Path(location).read_bytes() == b"1"

    def test_absolute_key_is_used_as_given(self, storage, tmp_path):
        target = tmp_path / "elsewhere.bin"
        storage.write_bytes(str(target), b"abs")
        assert target.read_bytes() == b"abs"

    def test_failed_replace_leaves_no_temp_file_and_keeps_old_value(
        self, storage, tmp_path, monkeypatch
    ):
        location = storage.write_bytes("keep.bin", b"old")

        def broken_replace(src, dst):
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(local_module.os, "replace", broken_replace)
        with pytest.raises(StorageError, match="No space left on device"):
            storage.write_bytes("keep.bin", b"new")
        assert Path(location).read_bytes() == b"old"
        assert sorted(os.listdir(tmp_path / "root")) == ["keep.bin"]

    def test_unwritable_directory_is_a_storage_error_naming_path(self, tmp_path):
        """The root is a plain file, so no directory can be created: works as root too."""
        blocker = tmp_path / "blocker"
        blocker.write_bytes(b"not a directory")
        with pytest.raises(StorageError, match="blocker"):
            LocalStorage(str(blocker)).write_bytes("x.bin", b"1")
        assert blocker.read_bytes() == b"not a directory"


def test_contained_path_refuses_escape_but_allows_nested(tmp_path):
    root = str(tmp_path)
    assert contained_path(root, "a/../b.bin") == str(tmp_path / "b.bin")
    with pytest.raises(StorageError, match="escapes the result directory"):
        contained_path(root, "a/../../b.bin")


def test_sigkill_mid_write_never_leaves_partial_file(tmp_path):
    """A writer killed while writing large payloads leaves only complete files."""
    script = textwrap.dedent(
        f"""
        import sys
        from prefect_compat._storage.local import LocalStorage
        store = LocalStorage({str(tmp_path)!r})
        payload = b"x" * (8 * 1024 * 1024)
        i = 0
        while True:
            store.write_bytes("big.bin", payload + str(i).encode())
            i += 1
            if i == 1:
                print("ready", flush=True)
        """
    )
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE)
    assert proc.stdout.readline().strip() == b"ready"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    final = tmp_path / "big.bin"
    data = final.read_bytes()
    assert len(data) >= 8 * 1024 * 1024 + 1
    assert data.startswith(b"x" * 1024)
    assert data[8 * 1024 * 1024 :].isdigit()


def test_fsync_only_when_asked(tmp_path, monkeypatch):
    synced = []
    real_fsync = os.fsync
    monkeypatch.setattr(local_module.os, "fsync", lambda fd: synced.append(fd) or real_fsync(fd))
    LocalStorage(str(tmp_path)).write_bytes("fast.bin", b"1")
    assert synced == []
    LocalStorage(str(tmp_path), fsync=True).write_bytes("durable.bin", b"2")
    assert len(synced) == 1
    assert (tmp_path / "durable.bin").read_bytes() == b"2"


def test_local_result_follows_fsync_config(tmp_path, monkeypatch):
    from prefect_compat.engine.results import LocalResult
    from prefect_compat.utilities.configuration import set_temporary_config

    result = LocalResult(dir=str(tmp_path))
    assert result._storage().fsync is False
    with set_temporary_config({"results.local.fsync": True}):
        assert result._storage().fsync is True
