"""LocalStorage: files under a root directory, written atomically.

A write goes to a temporary file in the target's own directory (same filesystem),
is flushed, then `os.replace`d onto the final name; on any failure the temporary
file is removed. A reader therefore sees either the old file, the new file, or none
— never a partial one, even if the process is killed mid-write.

With `fsync=True` the file is also fsync'd before the rename, which makes the write
durable across power loss. It is off by default (config `results.local.fsync`):
the flush costs about half a millisecond per write on common disks, more than
twenty times the engine's whole cost for a task run, and process crashes, which the
rename already covers, are the failure checkpoints usually meet.
"""

from __future__ import annotations

import os
import tempfile

from prefect_compat._storage.base import NotFound, StorageError, contained_path

__all__ = ["LocalStorage"]


class LocalStorage:
    """Storage rooted at `root` (relative keys resolve inside it)."""

    def __init__(self, root: str, fsync: bool = False) -> None:
        self.root = root
        self.fsync = fsync
        self._root_abs = os.path.abspath(root)
        self._prefix = os.path.join(self._root_abs, "")

    def path(self, key: str) -> str:
        """The absolute path for `key`; `contained_path` rules, with a cheap common case."""
        if not os.path.isabs(key):
            full = os.path.normpath(os.path.join(self._root_abs, key))
            if full.startswith(self._prefix):  # inside the root: no commonpath needed
                return full
        return contained_path(self.root, key)

    def read_bytes(self, key: str) -> bytes:
        path = self.path(key)
        try:
            with open(path, "rb") as fh:
                return fh.read()
        except FileNotFoundError as exc:
            raise NotFound(f"No result stored at {path!r}") from exc
        except OSError as exc:
            raise StorageError(f"Cannot read {path!r}: {exc.strerror or exc}") from exc

    def write_bytes(self, key: str, data: bytes) -> str:
        path = self.path(key)
        directory = os.path.dirname(path) or "."
        try:
            try:
                fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=".part")
            except FileNotFoundError:  # first write into this directory: make it, once
                os.makedirs(directory, exist_ok=True)
                fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-", suffix=".part")
        except OSError as exc:
            raise StorageError(f"Cannot write {path!r}: {exc.strerror or exc}") from exc
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                if self.fsync:
                    fh.flush()
                    os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException as exc:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
            if isinstance(exc, OSError):
                raise StorageError(f"Cannot write {path!r}: {exc.strerror or exc}") from exc
            raise
        return path

    def exists(self, key: str) -> bool:
        return os.path.isfile(self.path(key))

    def delete(self, key: str) -> None:
        path = self.path(key)
        try:
            os.unlink(path)
        except FileNotFoundError as exc:
            raise NotFound(f"No result stored at {path!r}") from exc
