"""Which Prefect release to mirror where 0.13 and 1.x behave differently.

One config key picks it: `compat.prefect_version` (env `PREFECT__COMPAT__PREFECT_VERSION`).
Unset or "1" mirrors Prefect 1.x (the default); "0.13" mirrors 0.13 (`_config.prefect_version`
reads it, the same reader the engine and signals use). It is read when the behaviour is
needed (building a graph, not per task run), so `set_temporary_config(...)` works too.
"""

from __future__ import annotations

from prefect_compat._config import prefect_version

__all__ = ["legacy_013"]


def legacy_013() -> bool:
    """True when the user asked for Prefect 0.13 behaviour."""
    from prefect_compat.configuration import config

    return prefect_version(config) == "0.13"
