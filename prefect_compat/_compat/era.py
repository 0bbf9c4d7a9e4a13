"""Which Prefect release to mirror where 0.13 and 1.x behave differently.

One config key picks it: `compat.prefect_version` (env `PREFECT__COMPAT__PREFECT_VERSION`).
Unset, or any 1.x version, mirrors Prefect 1.x (the default); "0.13" mirrors 0.13.
It is read when the behaviour is needed (building a graph, not per task run), so
`set_temporary_config({"compat.prefect_version": "0.13"})` works too.
"""

from __future__ import annotations

from typing import Any

__all__ = ["legacy_013"]

KEY = "compat.prefect_version"


def _major_minor(value: Any) -> tuple[int, int]:
    # env values arrive cast: "0.13" -> 0.13 (float), "1" -> 1 (int); "1.x" stays a string
    parts = str(value).strip().split(".")
    try:
        major = int(parts[0])
        minor = int(parts[1]) if len(parts) > 1 and parts[1] not in ("x", "") else 0
    except ValueError:
        raise ValueError(
            f"Config key {KEY!r} must be a Prefect version such as '1.x' or '0.13' "
            f"(got {value!r}). Set PREFECT__COMPAT__PREFECT_VERSION=0.13 for 0.13 behaviour "
            "or leave it unset for 1.x."
        ) from None
    return major, minor


def legacy_013() -> bool:
    """True when the user asked for Prefect 0.13 behaviour."""
    from prefect_compat.configuration import config

    value = config.get("compat", {}).get("prefect_version")
    if value is None or value == "":
        return False
    return _major_minor(value) < (1, 0)
