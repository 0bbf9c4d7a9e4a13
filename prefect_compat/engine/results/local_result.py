"""`LocalResult`: results as files on local disk (written atomically)."""

from __future__ import annotations

import os
import re
import uuid
from datetime import datetime, timezone
from typing import Any

from prefect_compat._storage import result_io
from prefect_compat._storage.local import LocalStorage
from prefect_compat.engine.result.base import Result

__all__ = ["LocalResult"]


def _home_results_dir() -> str:
    from prefect_compat.configuration import config

    return os.path.join(os.path.abspath(os.path.expanduser(str(config.home_dir))), "results")


def _resolve_dir(dir: str | None) -> str:
    """Prefect's rule: no dir, or a dir inside home_dir, means `<home_dir>/results`."""
    default = _home_results_dir()
    if dir is None:
        return default
    home = os.path.dirname(default)
    full = os.path.abspath(os.path.expanduser(dir))
    try:
        if os.path.commonpath([home, full]) == home:
            return default
    except ValueError:  # different drives on Windows
        pass
    return dir


_CONFIGURATION: list[Any] = []  # the configuration module, imported on the first write


def _local_settings() -> tuple[bool, float | None]:
    """`results.local.fsync` and `.stale_temp_age` from the live config.

    Plain dict reads: this runs per write. A stale_temp_age that is not a positive
    number (false, 0) turns the automatic sweep of abandoned temp files off.
    """
    if not _CONFIGURATION:
        from prefect_compat import configuration

        _CONFIGURATION.append(configuration)
    section = dict.get(_CONFIGURATION[0].config, "results")
    local = dict.get(section, "local") if isinstance(section, dict) else None
    if not isinstance(local, dict):
        return False, None
    age = dict.get(local, "stale_temp_age")
    valid = isinstance(age, (int, float)) and not isinstance(age, bool) and age > 0
    return dict.get(local, "fsync") is True, age if valid else None


class LocalResult(Result):
    """A Result stored in a file under `dir` (default `<home_dir>/results`)."""

    def __init__(self, dir: str | None = None, validate_dir: bool = True, **kwargs: Any) -> None:
        directory = _resolve_dir(dir)
        if validate_dir:
            directory = os.path.abspath(os.path.expanduser(directory))
            os.makedirs(directory, exist_ok=True)
        self.dir = directory
        super().__init__(**kwargs)

    @property
    def default_location(self) -> str:
        stamp = re.sub(r"[^a-z0-9]+", "-", datetime.now(timezone.utc).isoformat().lower())
        # Prefect's timestamp plus a short uuid: parallel writes in one microsecond differ.
        return os.path.join(self.dir, f"prefect-result-{stamp.strip('-')}-{uuid.uuid4().hex[:8]}")

    def _storage(self) -> LocalStorage:
        """The storage for `dir`, made once and reused while the settings stay the same
        (this runs per checkpoint; copies of the Result share it)."""
        fsync, stale_after = _local_settings()
        storage: LocalStorage | None = self.__dict__.get("_local_storage")
        if (
            storage is None
            or storage.root != self.dir
            or storage.fsync != fsync
            or storage.stale_after != stale_after
        ):
            storage = LocalStorage(self.dir, fsync=fsync, stale_after=stale_after)
            self.__dict__["_local_storage"] = storage
        return storage

    def write(self, value_: Any, **kwargs: Any) -> LocalResult:
        """Store `value_` at the formatted location; the copy records the full path."""
        return result_io.write_result(self, value_, kwargs)

    def read(self, location: str) -> LocalResult:
        """Load the value stored at `location` (relative to `dir`, or absolute)."""
        return result_io.read_result(self, location)

    def exists(self, location: str, **kwargs: Any) -> bool:
        return result_io.exists_result(self, location, **kwargs)
