"""The Storage seam shared by every persisted Result: four methods, bytes in and out.

    read_bytes(key) -> bytes        NotFound if absent
    write_bytes(key, data) -> str   atomic; returns the location to record
    exists(key) -> bool             never downloads the object
    delete(key) -> None             NotFound if absent

Backends translate their own errors into `StorageError` / `NotFound` here, at the
boundary, chained with `from`, so the Result layer formats one kind of message.
"""

from __future__ import annotations

import os
from typing import Protocol, runtime_checkable

__all__ = ["NotFound", "Storage", "StorageError", "contained_path"]


class StorageError(OSError):
    """A backend could not read or write; the message carries the backend's reason."""


class NotFound(StorageError, FileNotFoundError):
    """Nothing is stored under the key."""


@runtime_checkable
class Storage(Protocol):
    def read_bytes(self, key: str) -> bytes: ...

    def write_bytes(self, key: str, data: bytes) -> str: ...

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> None: ...


def contained_path(root: str, key: str) -> str:
    """The absolute path for `key` under `root`; relative keys may not leave `root`.

    An absolute key is taken as given (after a write, LocalResult records the full
    path and must be able to read it back); a relative key such as `../x` that
    resolves outside the root is refused.
    """
    if os.path.isabs(key):
        return os.path.normpath(key)
    root_abs = os.path.abspath(root)
    full = os.path.normpath(os.path.join(root_abs, key))
    if os.path.commonpath([root_abs, full]) != root_abs:
        raise StorageError(
            f"Location {key!r} escapes the result directory {root_abs!r}. Use a location "
            "inside the directory (no '..' segments), or change the Result's dir."
        )
    return full
