"""MemoryStorage: a real, in-process Storage (test baseline for the contract suite)."""

from __future__ import annotations

import threading

from prefect_compat._storage.base import NotFound, StorageError

__all__ = ["MemoryStorage"]


class MemoryStorage:
    """Keys to bytes in a dict; relative keys only, `..` refused like on disk."""

    def __init__(self) -> None:
        self._data: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def _check(self, key: str) -> str:
        if key.startswith("/") or ".." in key.split("/"):
            raise StorageError(f"Location {key!r} escapes the store; use a relative key.")
        return key

    def read_bytes(self, key: str) -> bytes:
        try:
            return self._data[self._check(key)]
        except KeyError:
            raise NotFound(f"No result stored at {key!r}") from None

    def write_bytes(self, key: str, data: bytes) -> str:
        with self._lock:
            self._data[self._check(key)] = bytes(data)
        return key

    def exists(self, key: str) -> bool:
        return self._check(key) in self._data

    def delete(self, key: str) -> None:
        with self._lock:
            if self._data.pop(self._check(key), None) is None:
                raise NotFound(f"No result stored at {key!r}")
