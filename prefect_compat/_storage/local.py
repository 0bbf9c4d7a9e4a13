"""LocalStorage: files under a root directory, written atomically.

A write goes to a temporary file in the target's own directory (same filesystem),
is flushed, then `os.replace`d onto the final name; on any failure the temporary
file is removed. A reader therefore sees either the old file, the new file, or none
— never a partial one, even if the process is killed mid-write.

The temporary file is `.tmp-<token><counter>.part` (a random token per process, then a
counter), created with `O_EXCL` and mode 0666, so the process umask applies to it and to
the final file exactly as for a plain `open()` (0644 under umask 022); `tempfile.mkstemp`
would force 0600.

A process killed between create and rename leaves its temporary file behind. The
first write into a directory in each flow run (`flow_run_id` in context; once per
process outside a flow run) removes the temporary files there that are older than
`stale_after` seconds (config `results.local.stale_temp_age`); younger ones may
belong to a writer still at work and are left alone. `sweep_temp_files` does the
same on demand (`prefect-compat results clean`).

With `fsync=True` the file is also fsync'd before the rename, which makes the write
durable across power loss. It is off by default (config `results.local.fsync`):
the flush costs about half a millisecond per write on common disks, more than
twenty times the engine's whole cost for a task run, and process crashes, which the
rename already covers, are the failure checkpoints usually meet.
"""

from __future__ import annotations

import errno
import fnmatch
import itertools
import os
import time
from typing import Any, List, Tuple

from prefect_compat import _context
from prefect_compat._storage.base import ForkSafeLock, NotFound, StorageError, contained_path

__all__ = [
    "TEMP_PATTERN",
    "LocalStorage",
    "bare_name",
    "stale_temp_files",
    "sweep_temp_files",
]

TEMP_PREFIX, TEMP_SUFFIX = ".tmp-", ".part"
TEMP_PATTERN = TEMP_PREFIX + "*" + TEMP_SUFFIX
_CREATE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
_CREATE_FLAGS |= getattr(os, "O_CLOEXEC", 0)

# On POSIX a key without "/" (and not "." / "..") is a file directly in the root.
_POSIX = os.sep == "/" and os.altsep is None
_DOT_NAMES = ("", ".", "..")
_SEPS = (os.sep, os.altsep or os.sep)


def bare_name(key: str) -> bool:
    """A key naming a file directly in the root: no separator, not "." or ".." (POSIX;
    elsewhere every key takes the full path check)."""
    return _POSIX and "/" not in key and key not in _DOT_NAMES


# Directories swept in the current run: (flow_run_id, {directory, ...}).
_swept: Tuple[Any, set[str]] = (None, set())
_swept_lock = ForkSafeLock()


class _TempNames:
    """Temp file names: a random token per process (drawn again in a forked child) and a
    counter, so a write costs no random draw; `O_EXCL` still refuses any name taken."""

    def __init__(self) -> None:
        self.renew()
        if hasattr(os, "register_at_fork"):
            os.register_at_fork(after_in_child=self.renew)

    def renew(self) -> None:
        self.token = os.urandom(6).hex()
        self.counter = itertools.count()

    def __call__(self, directory: str) -> str:
        sep = "" if directory.endswith(_SEPS) else os.sep  # "/" itself, say
        return f"{directory}{sep}{TEMP_PREFIX}{self.token}{next(self.counter):x}{TEMP_SUFFIX}"


_temp_name = _TempNames()


def _create_temp(directory: str) -> Tuple[int, str]:
    """A new, empty temp file in `directory` (mode 0666 minus the umask)."""
    for _ in range(100):
        path = _temp_name(directory)
        try:
            return os.open(path, _CREATE_FLAGS, 0o666), path
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "No usable temporary file name", directory)


def stale_temp_files(directory: str, older_than: float, now: float | None = None) -> List[str]:
    """Paths of `.tmp-*.part` files directly in `directory` last changed before the cutoff."""
    cutoff = (time.time() if now is None else now) - older_than
    found = []
    with os.scandir(directory) as entries:
        for entry in entries:
            if not fnmatch.fnmatchcase(entry.name, TEMP_PATTERN):
                continue
            try:
                if entry.is_file(follow_symlinks=False) and entry.stat().st_mtime < cutoff:
                    found.append(entry.path)
            except FileNotFoundError:  # finished (renamed) while we looked
                continue
    return found


def sweep_temp_files(directory: str, older_than: float) -> List[str]:
    """Remove the stale temp files directly in `directory`; returns the removed paths."""
    removed = []
    for path in stale_temp_files(directory, older_than):
        try:
            os.unlink(path)
        except FileNotFoundError:
            continue
        removed.append(path)
    return removed


def _sweep_once(directory: str, older_than: float) -> None:
    """`sweep_temp_files` on the first write into `directory` in this flow run."""
    global _swept
    run = _context.get("flow_run_id")
    if _swept[0] == run and directory in _swept[1]:  # the common case, without the lock
        return
    with _swept_lock:
        if _swept[0] != run:
            _swept = (run, set())
        if directory in _swept[1]:
            return
        _swept[1].add(directory)
    try:
        sweep_temp_files(directory, older_than)
    except OSError:  # housekeeping only (e.g. no directory yet): the write reports problems
        pass


def _fill(fd: int, data: bytes, fsync: bool) -> str:
    """Write `data` to the new temp file and close it (fsync'd first if asked); returns
    the file's stamp, `size:mtime_ns` (a rename keeps both)."""
    try:
        written = os.write(fd, data)  # all of it, unless the value is huge
        if written < len(data):
            view = memoryview(data)[written:]
            while view:
                view = view[os.write(fd, view) :]
        if fsync:
            os.fsync(fd)
        st = os.fstat(fd)
    finally:
        os.close(fd)
    return f"{st.st_size}:{st.st_mtime_ns}"


_HINTS = {
    errno.ENOSPC: "free space on that filesystem, or give the Result another dir",
    errno.EDQUOT: "free space within your quota, or give the Result another dir",
    errno.EROFS: "the filesystem is read-only: give the Result a writable dir",
    errno.EACCES: "make the directory writable for this user, or give the Result another dir",
    errno.EPERM: "make the directory writable for this user, or give the Result another dir",
}


def _reason(exc: OSError) -> str:
    """The OS's reason, plus what to do about the common ones."""
    text = str(exc.strerror or exc)
    hint = _HINTS.get(exc.errno or 0)
    return f"{text} ({hint})" if hint else text


class LocalStorage:
    """Storage rooted at `root` (relative keys resolve inside it).

    `stale_after`: seconds after which an abandoned temp file in a directory being
    written is removed (None: never).
    """

    def __init__(self, root: str, fsync: bool = False, stale_after: float | None = None) -> None:
        self.root = root
        self.fsync = fsync
        self.stale_after = stale_after
        self._root_abs = os.path.abspath(root)
        self._prefix = os.path.join(self._root_abs, "")

    def path(self, key: str) -> str:
        """The absolute path for `key`; `contained_path` rules, with cheap common cases."""
        return self._target(key)[0]

    def _target(self, key: str) -> Tuple[str, str]:
        """(absolute path, its directory) for `key`."""
        if bare_name(key):
            return self._prefix + key, self._root_abs
        if key.endswith(_SEPS):
            raise StorageError(
                f"Location {key!r} names a directory, not a file. End it with a file "
                "name (e.g. '{task_name}/{map_index}.pkl')."
            )
        full = None
        if not os.path.isabs(key):
            full = os.path.normpath(os.path.join(self._root_abs, key))
            if not full.startswith(self._prefix):  # outside the root: the full check
                full = None
        if full is None:
            full = contained_path(self.root, key)
        return full, os.path.dirname(full) or "."

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
        return self.write_stamped(key, data)[0]

    def write_stamped(self, key: str, data: bytes) -> Tuple[str, str]:
        """`write_bytes`, also returning the written file's `size:mtime_ns` (what the run
        journal records to tell later whether the file is still the one written)."""
        path, directory = self._target(key)
        if self.stale_after is not None:
            _sweep_once(directory, self.stale_after)
        try:
            try:
                fd, tmp = _create_temp(directory)
            except FileNotFoundError:  # first write into this directory: make it, once
                os.makedirs(directory, exist_ok=True)
                fd, tmp = _create_temp(directory)
        except OSError as exc:
            raise StorageError(f"Cannot write {path!r}: {_reason(exc)}") from exc
        try:
            stamp = _fill(fd, data, self.fsync)
            os.replace(tmp, path)
        except BaseException as exc:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
            if isinstance(exc, OSError):
                raise StorageError(f"Cannot write {path!r}: {_reason(exc)}") from exc
            raise
        return path, stamp

    def exists(self, key: str) -> bool:
        return os.path.isfile(self.path(key))

    def delete(self, key: str) -> None:
        path = self.path(key)
        try:
            os.unlink(path)
        except FileNotFoundError as exc:
            raise NotFound(f"No result stored at {path!r}") from exc
