"""Small TOML files under `PREFECT_HOME`: the 2.x profiles and the local block registry.

Reads tolerate a missing file (empty table); a file that is not valid TOML raises the
config loader's `ConfigError` naming the file. Writes go through `LocalStorage`, so they
are atomic (temporary file, then rename) and the file is created with mode 0600.
Read-modify-write cycles run under an advisory lock file next to the target where the
platform has `fcntl`, so two processes saving at once do not lose each other's entries.
The `toml` package (a core dependency) is imported on first write only.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from typing import Any, Dict, Iterator

from prefect_compat._config import load_toml
from prefect_compat._storage.local import LocalStorage

__all__ = ["locked", "read_toml", "write_toml"]


def read_toml(path: str) -> Dict[str, Any]:
    """The parsed file, or `{}` when it does not exist."""
    try:
        return load_toml(path)
    except FileNotFoundError:
        return {}


def write_toml(path: str, data: Dict[str, Any]) -> None:
    """Replace `path` atomically with `data` as TOML (mode 0600, parents created)."""
    import toml

    directory, name = os.path.split(os.path.abspath(path))
    LocalStorage(directory).write_bytes(name, toml.dumps(data).encode())
    os.chmod(path, 0o600)  # already 0600 from mkstemp; explicit for the secrets file


@contextmanager
def locked(path: str) -> Iterator[None]:
    """Hold an exclusive advisory lock on `<path>.lock` for a read-modify-write."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: atomic replace only, no lock
        yield
        return
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    fd = os.open(path + ".lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock
