"""`LocalResultHandler`: cloudpickled values in files under a directory.

Writes go through `LocalStorage` (temp file, fsync, rename) under the file names and
directory rules of `LocalResult`, which the handler becomes when given to a Task or
Flow: both write to the same places.
"""

from __future__ import annotations

import os
from typing import Any

from prefect_compat._compat.handlers import pickle_bytes, read_pickle
from prefect_compat._storage.local import LocalStorage
from prefect_compat.engine.result_handlers.result_handler import ResultHandler
from prefect_compat.engine.results.local_result import LocalResult, _resolve_dir

__all__ = ["LocalResultHandler"]


class LocalResultHandler(ResultHandler):
    """Files under `dir` (default, or any dir inside home_dir: `<home_dir>/results`).

    `validate=True` makes the directory absolute and creates it.
    """

    def __init__(self, dir: str | None = None, validate: bool = True) -> None:
        directory = _resolve_dir(dir)
        if validate:
            directory = os.path.abspath(os.path.expanduser(directory))
            os.makedirs(directory, exist_ok=True)
        self.dir = directory

    def write(self, result: Any) -> str:
        """Store `result` in a new `prefect-result-<timestamp>-<id>` file; return its path."""
        location = LocalResult(dir=self.dir, validate_dir=False).default_location
        return LocalStorage(self.dir).write_bytes(location, pickle_bytes(result))

    def read(self, fpath: str) -> Any:
        """Load the value stored at `fpath` (absolute, or relative to `dir`)."""
        return read_pickle(LocalStorage(self.dir), fpath, "LocalResultHandler")
