"""`prefect.utilities.compatibility`: `nullcontext`, as Prefect kept it for old Pythons."""

from __future__ import annotations

from contextlib import nullcontext

__all__ = ["nullcontext"]
