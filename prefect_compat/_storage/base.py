"""The Storage seam shared by every persisted Result: four methods, bytes in and out.

    read_bytes(key) -> bytes        NotFound if absent
    write_bytes(key, data) -> str   atomic; returns the location to record
    exists(key) -> bool             never downloads the object
    delete(key) -> None             NotFound if absent

Backends translate their own errors into `StorageError` / `NotFound` here, at the
boundary, chained with `from`, so the Result layer formats one kind of message.

Remote backends are bounded by default: `backend_settings("s3")` reads the
`[results.s3]` (`gcs`, `azure`) section of the live config — connect and read
timeouts and a retry budget — so a hung or dead endpoint fails a call within a known
time instead of blocking in an SDK's retry loop for minutes.
"""

from __future__ import annotations

import os
import threading
import weakref
from typing import Any, Dict, Mapping, Protocol, runtime_checkable

__all__ = [
    "ForkSafeLock",
    "NotFound",
    "Storage",
    "StorageError",
    "backend_settings",
    "bound_text",
    "contained_path",
]


class ForkSafeLock:
    """A module-level lock that a forked child (a process pool of LocalDaskExecutor, say)
    gets fresh: the parent's may have been held by one of its other threads at the fork,
    and would then never be released in the child."""

    __slots__ = ("__weakref__", "_lock")
    _every: weakref.WeakSet[ForkSafeLock] = weakref.WeakSet()

    def __init__(self) -> None:
        self._lock = threading.Lock()
        ForkSafeLock._every.add(self)

    def __enter__(self) -> bool:
        return self._lock.acquire()

    def __exit__(self, *exc: Any) -> None:
        self._lock.release()

    def locked(self) -> bool:
        return self._lock.locked()

    @classmethod
    def _renew_all(cls) -> None:
        for lock in list(cls._every):
            lock._lock = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=ForkSafeLock._renew_all)


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


def backend_settings(section: str, defaults: Mapping[str, float]) -> Dict[str, float]:
    """The numbers under `results.<section>` in the live config, over `defaults`.

    Read when a backend builds its client (not per call). A value that is not a
    non-negative number is refused with the key and the value named, since a typo
    here would otherwise silently unbound every call.
    """
    from prefect_compat.configuration import config

    results: Any = dict.get(config, "results")
    found: Any = dict.get(results, section) if isinstance(results, dict) else None
    settings = dict(defaults)
    for key in defaults:
        value = dict.get(found, key) if isinstance(found, dict) else None
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise ValueError(
                f"Config key results.{section}.{key} must be a number of seconds or a "
                f"count >= 0, got {value!r}. Fix it in your config file or "
                f"PREFECT__RESULTS__{section.upper()}__{key.upper()}."
            )
        settings[key] = value
    return settings


def bound_text(section: str, tries: str, connect: Any, read: Any, override: str = "") -> str:
    """How a call was bounded, for messages about timeouts and unreachable endpoints.

    `tries` completes "gave up ...", e.g. "after 2 attempts"; `override` names the
    per-Result way to change the bound, if there is one.
    """
    where = f"[results.{section}] in the config" + (f" or {override}" if override else "")
    return (
        f"gave up {tries} with connect_timeout={connect}s and read_timeout={read}s (set in {where})"
    )
