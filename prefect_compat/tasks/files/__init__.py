"""`prefect.tasks.files`: copy, move, remove, glob, zip and unzip files (Prefect 1.x)."""

from prefect_compat.tasks.files.compression import Unzip, Zip
from prefect_compat.tasks.files.operations import Copy, Glob, Move, Remove

__all__ = ["Copy", "Glob", "Move", "Remove", "Unzip", "Zip"]
