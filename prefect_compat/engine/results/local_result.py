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


def _fsync_enabled() -> bool:
    """`results.local.fsync` from the live config (plain dict reads: this runs per write)."""
    from prefect_compat.configuration import config

    section = dict.get(config, "results")
    local = dict.get(section, "local") if isinstance(section, dict) else None
    return isinstance(local, dict) and dict.get(local, "fsync") is True


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
        return LocalStorage(self.dir, fsync=_fsync_enabled())

    def write(self, value_: Any, **kwargs: Any) -> LocalResult:
        """Store `value_` at the formatted location; the copy records the full path."""
        return result_io.write_result(self, value_, **kwargs)

    def read(self, location: str) -> LocalResult:
        """Load the value stored at `location` (relative to `dir`, or absolute)."""
        return result_io.read_result(self, location)

    def exists(self, location: str, **kwargs: Any) -> bool:
        return result_io.exists_result(self, location, **kwargs)
