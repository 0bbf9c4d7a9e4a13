"""0.13's `Local` storage: pickles go to `<directory>/<flow-slug>.prefect`."""

from __future__ import annotations

import os
from typing import Any

from prefect_compat.environments.storage.base import Legacy013
from prefect_compat.storage import local as _local
from prefect_compat.storage.base import slugify

__all__ = ["Local"]


class Local(Legacy013, _local.Local):
    """0.13 path of `prefect.storage.Local`."""

    def _location_for(self, flow: Any) -> str:
        return os.path.join(self.directory, f"{slugify(flow.name)}.prefect")
