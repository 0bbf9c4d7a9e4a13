"""`prefect.serialization.storage`: flow storage descriptions (`Local`, `S3`, `GitHub`, ...).

Storage only matters to a backend; these schemas write and read its configuration
in Prefect's shape (see `_objects.py`). `StorageSchema` covers every class, found by
name in `prefect_compat.storage` (1.x) or `prefect_compat.environments.storage` (0.13).
"""

from __future__ import annotations

from typing import Any, Dict, FrozenSet

from prefect_compat.serialization._objects import ObjectSchema, encode
from prefect_compat.serialization._schema import FORMAT_VERSIONS, format_version, join

_HOMES = ("prefect_compat.storage", "prefect_compat.environments.storage")
_CLASSES = (
    "Azure",
    "Bitbucket",
    "CodeCommit",
    "Docker",
    "GCS",
    "Git",
    "GitHub",
    "GitLab",
    "Local",
    "Module",
    "S3",
    "Webhook",
)


# Constructor arguments Prefect's storage schemas do not write (observed on 1.4.1 and
# 0.13.19); every storage dict carries `flows` and `secrets` instead.
_LEFT_OUT: Dict[str, FrozenSet[str]] = {
    "S3": frozenset({"local_script_path", "upload_options"}),
    "GCS": frozenset({"local_script_path"}),
    "Azure": frozenset({"overwrite"}),
    "Webhook": frozenset({"flow_script_path"}),
}
_LEFT_OUT_013: Dict[str, FrozenSet[str]] = {
    "Azure": frozenset({"connection_string_secret"}),
    "GitHub": frozenset({"access_token_secret", "base_url"}),
}
_DOCKER_WRITES = frozenset(
    {"image_name", "image_tag", "path", "prefect_version", "registry_url", "stored_as_script"}
)
_ALWAYS = frozenset({"flows", "secrets", "type", "__version__"})


def _shape(obj: Any, out: Dict[str, Any], where: str) -> Dict[str, Any]:
    name = type(obj).__name__
    dropped = set(_LEFT_OUT.get(name, ()))
    if format_version() == FORMAT_VERSIONS["0.13"]:
        dropped |= _LEFT_OUT_013.get(name, frozenset())
    if name == "Docker":
        dropped |= set(out) - _DOCKER_WRITES - _ALWAYS
    shaped = {key: value for key, value in out.items() if key not in dropped}
    shaped["flows"] = encode(dict(getattr(obj, "flows", None) or {}), join(where, "flows"))
    shaped["secrets"] = encode(list(getattr(obj, "secrets", None) or []), join(where, "secrets"))
    return shaped


class _StorageObjectSchema(ObjectSchema):
    """Storage classes, written with the fields Prefect's storage schemas write."""

    def _dump(self, obj: Any, where: str) -> Dict[str, Any]:
        return _shape(obj, super()._dump(obj, where), where)


__all__ = [
    "AzureSchema",
    "BaseStorageSchema",
    "BitbucketSchema",
    "CodeCommitSchema",
    "DockerSchema",
    "GCSSchema",
    "GitHubSchema",
    "GitLabSchema",
    "GitSchema",
    "LocalSchema",
    "ModuleSchema",
    "S3Schema",
    "StorageSchema",
    "WebhookSchema",
]


class StorageSchema(_StorageObjectSchema):
    """Any storage class, tagged with its class name in `type`."""

    homes = _HOMES


class BaseStorageSchema(_StorageObjectSchema):
    """The base Storage class."""

    homes = _HOMES
    object_class = "Storage"


class AzureSchema(_StorageObjectSchema):
    homes = _HOMES
    object_class = "Azure"


class BitbucketSchema(_StorageObjectSchema):
    homes = _HOMES
    object_class = "Bitbucket"


class CodeCommitSchema(_StorageObjectSchema):
    homes = _HOMES
    object_class = "CodeCommit"


class DockerSchema(_StorageObjectSchema):
    homes = _HOMES
    object_class = "Docker"


class GCSSchema(_StorageObjectSchema):
    homes = _HOMES
    object_class = "GCS"


class GitSchema(_StorageObjectSchema):
    homes = _HOMES
    object_class = "Git"


class GitHubSchema(_StorageObjectSchema):
    homes = _HOMES
    object_class = "GitHub"


class GitLabSchema(_StorageObjectSchema):
    homes = _HOMES
    object_class = "GitLab"


class LocalSchema(_StorageObjectSchema):
    homes = _HOMES
    object_class = "Local"


class ModuleSchema(_StorageObjectSchema):
    homes = _HOMES
    object_class = "Module"


class S3Schema(_StorageObjectSchema):
    homes = _HOMES
    object_class = "S3"


class WebhookSchema(_StorageObjectSchema):
    homes = _HOMES
    object_class = "Webhook"
