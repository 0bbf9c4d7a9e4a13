"""`Copy`, `Move`, `Remove`, `Glob`: file-system operations as tasks.

Paths may be `str` or `pathlib.Path`, relative to the current directory. Behaviour
observed on Prefect 1.4.1 and kept: Copy copies a file (into a directory, if the target
is one) or a whole tree (the target must not exist); Move is `shutil.move`; Remove
deletes a file or an *empty* directory; Glob returns `Path.glob(pattern)` as a list (an
empty list for a missing directory). Copy, Move and Remove log what they do on the
task's logger. Missing arguments and missing sources raise ValueError.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any, Union

from prefect_compat.core.task import Task
from prefect_compat.utilities.tasks import defaults_from_attrs

__all__ = ["Copy", "Glob", "Move", "Remove"]

PathLike = Union[str, Path]


def _given(value: PathLike, name: str) -> Path:
    if not value:
        raise ValueError(f"No `{name}` provided.")
    return Path(value)


def _existing_source(value: PathLike) -> Path:
    source = _given(value, "source_path")
    if not source.exists():
        raise ValueError(f"Source path ({source}) not found")
    return source


class Copy(Task):
    """Copy a file or a directory tree to `target_path`; returns where it landed."""

    def __init__(self, source_path: PathLike = "", target_path: PathLike = "", **kwargs: Any):
        self.source_path = source_path
        self.target_path = target_path
        super().__init__(**kwargs)

    @defaults_from_attrs("source_path", "target_path")
    def run(self, source_path: PathLike = "", target_path: PathLike = "") -> Path:  # type: ignore[override]
        """Copy and return the new path (`<dir>/<name>` when copying a file into a dir)."""
        source = _existing_source(source_path)
        target = _given(target_path, "target_path")
        self.logger.info("Copying %s to %s...", source, target)
        if source.is_dir():
            return Path(shutil.copytree(source, target))
        return Path(shutil.copy(source, target))


class Move(Task):
    """Move (rename) a file or directory to `target_path`; returns where it landed."""

    def __init__(self, source_path: PathLike = "", target_path: PathLike = "", **kwargs: Any):
        self.source_path = source_path
        self.target_path = target_path
        super().__init__(**kwargs)

    @defaults_from_attrs("source_path", "target_path")
    def run(self, source_path: PathLike = "", target_path: PathLike = "") -> Path:  # type: ignore[override]
        """Move and return the new path (`<dir>/<name>` when moving into a directory)."""
        source = _existing_source(source_path)
        target = _given(target_path, "target_path")
        self.logger.info("Moving %s to %s...", source, target)
        return Path(shutil.move(str(source), str(target)))


class Remove(Task):
    """Delete a file or an empty directory (a non-empty one fails with OSError)."""

    def __init__(self, path: PathLike = "", **kwargs: Any):
        self.path = path
        super().__init__(**kwargs)

    @defaults_from_attrs("path")
    def run(self, path: PathLike = "") -> None:  # type: ignore[override]
        """Remove `path`; ValueError when it does not exist."""
        target = _given(path, "path")
        if not target.exists():
            raise ValueError(f"Path ({target}) not found")
        self.logger.info("Removing %s...", target)
        if target.is_dir():
            os.rmdir(target)
        else:
            target.unlink()


class Glob(Task):
    """The paths under `path` matching `pattern` (`**` recurses), as a list."""

    def __init__(self, path: PathLike = "", pattern: str = "*", **kwargs: Any):
        self.path = path
        self.pattern = pattern
        super().__init__(**kwargs)

    @defaults_from_attrs("path", "pattern")
    def run(self, path: PathLike = "", pattern: str = "*") -> list[Path]:  # type: ignore[override]
        """`list(Path(path).glob(pattern))`."""
        return list(_given(path, "path").glob(pattern))
