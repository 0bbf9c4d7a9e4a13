"""`Zip` / `Unzip`: build and extract zip archives with the standard `zipfile` module.

Zip adds each source (a file, or a directory walked recursively) under its own name, so
`sub/` becomes `sub/a.txt`, `sub/deep/b.csv` in the archive. The archive is written to
a temporary file next to `zip_path` and renamed into place, so a failed run never
leaves a partial archive. Unzip extracts everything (zipfile keeps members inside
`extract_dir`), into the current directory when no `extract_dir` is given.

Deliberate difference: a missing source raises ValueError before anything is written;
Prefect 1.4.1 logs "Adding ... to archive" and writes an archive without it.
"""

from __future__ import annotations

import os
import tempfile
import zipfile
from pathlib import Path
from typing import Any, Union

from prefect_compat.core.task import Task
from prefect_compat.utilities.tasks import defaults_from_attrs

__all__ = ["Unzip", "Zip"]

PathLike = Union[str, Path]
Sources = Union[PathLike, list[str], list[Path]]

_METHODS = {
    "store": zipfile.ZIP_STORED,
    "deflate": zipfile.ZIP_DEFLATED,
    "bzip2": zipfile.ZIP_BZIP2,
    "lzma": zipfile.ZIP_LZMA,
}


def _members(source: Path, skip: set[Path]) -> list[tuple[Path, str]]:
    """(file on disk, name in the archive) for a file or every file below a directory."""
    if not source.is_dir():
        return [(source, source.name)]
    base = source.resolve().parent
    found = []
    for root, dirs, files in os.walk(source):
        dirs.sort()
        for name in sorted(files):
            path = Path(root, name)
            if path.resolve() not in skip:
                found.append((path, str(path.resolve().relative_to(base))))
    return found


class Zip(Task):
    """Pack `source_path` (a path or a list of paths) into the archive `zip_path`."""

    def __init__(  # noqa: PLR0913 - Prefect's public signature
        self,
        source_path: Sources = "",
        zip_path: PathLike = "",
        compression_method: str = "deflate",
        compression_level: int | None = None,
        **kwargs: Any,
    ) -> None:
        if compression_method not in _METHODS:
            raise ValueError(
                f"Compression method {compression_method} is not supported! Use one of: "
                + ", ".join(repr(m) for m in _METHODS)
            )
        self.source_path = source_path
        self.zip_path = zip_path
        self.compression = _METHODS[compression_method]
        self.compression_level = compression_level
        super().__init__(**kwargs)

    @defaults_from_attrs("source_path", "zip_path")
    def run(self, source_path: Sources = "", zip_path: PathLike = "") -> None:  # type: ignore[override]
        """Write the archive (replacing an existing one); returns None."""
        if not source_path:
            raise ValueError("No `source_path` provided.")
        if not zip_path:
            raise ValueError("No `zip_path` provided.")
        raw = source_path if isinstance(source_path, (list, tuple)) else [source_path]
        sources = [Path(p) for p in raw]
        for source in sources:
            if not source.exists():
                raise ValueError(f"Source path ({source}) not found: nothing was written.")
        target = Path(zip_path)
        self.logger.info("Creating zip archive %s", target)
        fd, temp = tempfile.mkstemp(dir=target.resolve().parent, prefix=f".{target.name}.")
        os.close(fd)
        skip = {target.resolve(), Path(temp).resolve()}
        try:
            with zipfile.ZipFile(
                temp, "w", compression=self.compression, compresslevel=self.compression_level
            ) as archive:
                for source in sources:
                    self.logger.info("Adding %s to archive", source.name)
                    for path, name in _members(source, skip):
                        archive.write(path, name)
            os.replace(temp, target)
        except BaseException:
            os.unlink(temp)
            raise


class Unzip(Task):
    """Extract the archive `zip_path` into `extract_dir`; returns that directory."""

    def __init__(self, zip_path: PathLike = "", extract_dir: PathLike = "", **kwargs: Any):
        self.zip_path = zip_path
        self.extract_dir = extract_dir
        super().__init__(**kwargs)

    @defaults_from_attrs("zip_path", "extract_dir")
    def run(  # type: ignore[override]  # run() takes the task's inputs
        self,
        zip_path: PathLike = "",
        extract_dir: PathLike = "",
        password: bytes | str | None = None,
    ) -> Path:
        """Extract every member (with `password` for encrypted archives)."""
        if not zip_path:
            raise ValueError("No `zip_path` provided")
        source = Path(zip_path)
        if not source.exists():
            raise ValueError(f"`zip_path` '{source}' not found")
        target = Path(extract_dir) if extract_dir else Path.cwd()
        if isinstance(password, str):
            password = password.encode()
        self.logger.info("Extracting '%s' to '%s'", source, target)
        with zipfile.ZipFile(source) as archive:
            archive.extractall(target, pwd=password)
        return target
