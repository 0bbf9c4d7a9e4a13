"""`prefect.serialization.run_config`: run configurations (`LocalRun`, `DockerRun`, ...).

Written in Prefect's shape (see `_objects.py`); classes are found by name in
`prefect_compat.run_configs`.
"""

from __future__ import annotations

from prefect_compat.serialization._objects import ObjectSchema

_HOMES = ("prefect_compat.run_configs",)


__all__ = [
    "DockerRunSchema",
    "ECSRunSchema",
    "KubernetesRunSchema",
    "LocalRunSchema",
    "RunConfigSchema",
    "RunConfigSchemaBase",
    "UniversalRunSchema",
    "VertexRunSchema",
]


class RunConfigSchema(ObjectSchema):
    """Any run config, tagged with its class name in `type`."""

    homes = _HOMES


class RunConfigSchemaBase(ObjectSchema):
    """The fields every run config has (its base class)."""

    homes = _HOMES
    object_class = "RunConfig"


class DockerRunSchema(ObjectSchema):
    homes = _HOMES
    object_class = "DockerRun"


class ECSRunSchema(ObjectSchema):
    homes = _HOMES
    object_class = "ECSRun"


class KubernetesRunSchema(ObjectSchema):
    homes = _HOMES
    object_class = "KubernetesRun"


class LocalRunSchema(ObjectSchema):
    homes = _HOMES
    object_class = "LocalRun"


class UniversalRunSchema(ObjectSchema):
    homes = _HOMES
    object_class = "UniversalRun"


class VertexRunSchema(ObjectSchema):
    homes = _HOMES
    object_class = "VertexRun"
