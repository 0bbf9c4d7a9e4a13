"""`prefect.serialization.environment` (0.13): execution environments, in Prefect's shape.

Classes are found by name in `prefect_compat.environments` (see `_objects.py`); a
class that is not there is written as `CustomEnvironment`.
"""

from __future__ import annotations

from prefect_compat.serialization._objects import ObjectSchema

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


class EnvironmentSchema(ObjectSchema):
    """Any environment, tagged with its class name in `type`."""

    homes = _HOMES


class BaseEnvironmentSchema(ObjectSchema):
    homes = _HOMES
    object_class = "Environment"


class DaskKubernetesEnvironmentSchema(ObjectSchema):
    homes = _HOMES
    object_class = "DaskKubernetesEnvironment"


class FargateTaskEnvironmentSchema(ObjectSchema):
    homes = _HOMES
    object_class = "FargateTaskEnvironment"


class KubernetesJobEnvironmentSchema(ObjectSchema):
    homes = _HOMES
    object_class = "KubernetesJobEnvironment"


class LocalEnvironmentSchema(ObjectSchema):
    homes = _HOMES
    object_class = "LocalEnvironment"


class RemoteDaskEnvironmentSchema(ObjectSchema):
    homes = _HOMES
    object_class = "RemoteDaskEnvironment"


class RemoteEnvironmentSchema(ObjectSchema):
    homes = _HOMES
    object_class = "RemoteEnvironment"


class CustomEnvironmentSchema(ObjectSchema):
    homes = _HOMES
    object_class = "Environment"
