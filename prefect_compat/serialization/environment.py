"""`prefect.serialization.environment` (0.13): execution environments, in Prefect's shape.

Classes are found by name in `prefect_compat.environments` (see `_objects.py`). As in
0.13.19, each class writes only `labels`, `metadata` and the few settings listed in
`_WRITES`; any other class (a user's subclass) is written as `CustomEnvironment` with
its labels and metadata, and loads back as a base `Environment`.
"""

from __future__ import annotations

from typing import Any, Dict, Mapping, Tuple

from prefect_compat.serialization._objects import ObjectSchema, encode, load_object
from prefect_compat.serialization._schema import format_version, join

_HOMES = ("prefect_compat.environments",)

__all__ = [
    "BaseEnvironmentSchema",
    "CustomEnvironmentSchema",
    "DaskKubernetesEnvironmentSchema",
    "EnvironmentSchema",
    "FargateTaskEnvironmentSchema",
    "KubernetesJobEnvironmentSchema",
    "LocalEnvironmentSchema",
    "RemoteDaskEnvironmentSchema",
    "RemoteEnvironmentSchema",
]


_BASE = ("labels", "metadata")
_WRITES: Dict[str, Tuple[str, ...]] = {
    "Environment": _BASE,
    "LocalEnvironment": _BASE,
    "KubernetesJobEnvironment": _BASE,
    "FargateTaskEnvironment": _BASE,
    "RemoteEnvironment": (*_BASE, "executor", "executor_kwargs"),
    "RemoteDaskEnvironment": (*_BASE, "address"),
    "DaskKubernetesEnvironment": (
        *_BASE,
        "docker_secret",
        "private_registry",
        "min_workers",
        "max_workers",
    ),
}


def _dump_environment(env: Any, where: str, typed: bool) -> Dict[str, Any]:
    name = type(env).__name__
    fields = _WRITES.get(name)
    if fields is None:
        name, fields = "CustomEnvironment", _BASE
    out: Dict[str, Any] = {}
    for field in fields:
        value = getattr(env, field, None)
        if field == "labels":
            value = sorted(value or ())
        out[field] = encode(value, join(where, field), field)
    out["__version__"] = format_version()
    if typed:
        out["type"] = name
    return out


class _EnvironmentObjectSchema(ObjectSchema):
    def _dump(self, obj: Any, where: str) -> Dict[str, Any]:
        return _dump_environment(obj, where, typed=self.object_class is None)

    def _load(self, data: Any, where: str) -> Any:
        if isinstance(data, Mapping) and data.get("type") == "CustomEnvironment":
            data = {k: v for k, v in data.items() if k != "type"}
            return load_object(data, where, self.homes, _environment_class())
        return super()._load(data, where)


def _environment_class() -> type:
    from prefect_compat.environments import Environment

    return Environment


class EnvironmentSchema(_EnvironmentObjectSchema):
    """Any environment, tagged with its class name in `type`."""

    homes = _HOMES


class BaseEnvironmentSchema(_EnvironmentObjectSchema):
    homes = _HOMES
    object_class = "Environment"


class DaskKubernetesEnvironmentSchema(_EnvironmentObjectSchema):
    homes = _HOMES
    object_class = "DaskKubernetesEnvironment"


class FargateTaskEnvironmentSchema(_EnvironmentObjectSchema):
    homes = _HOMES
    object_class = "FargateTaskEnvironment"


class KubernetesJobEnvironmentSchema(_EnvironmentObjectSchema):
    homes = _HOMES
    object_class = "KubernetesJobEnvironment"


class LocalEnvironmentSchema(_EnvironmentObjectSchema):
    homes = _HOMES
    object_class = "LocalEnvironment"


class RemoteDaskEnvironmentSchema(_EnvironmentObjectSchema):
    homes = _HOMES
    object_class = "RemoteDaskEnvironment"


class RemoteEnvironmentSchema(_EnvironmentObjectSchema):
    homes = _HOMES
    object_class = "RemoteEnvironment"


class CustomEnvironmentSchema(_EnvironmentObjectSchema):
    homes = _HOMES
    object_class = "Environment"
