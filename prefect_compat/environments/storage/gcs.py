"""0.13's `GCS` storage."""

from __future__ import annotations

from prefect_compat.environments.storage.base import Legacy013
from prefect_compat.storage import gcs as _gcs

__all__ = ["GCS"]


class GCS(Legacy013, _gcs.GCS):
    """0.13 path of `prefect.storage.GCS`."""

    default_label = "gcs-flow-storage"
