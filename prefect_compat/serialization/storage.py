"""`prefect.serialization.storage`: flow storage descriptions (`Local`, `S3`, `GitHub`, ...).

Storage only matters to a backend; these schemas write and read its configuration
in Prefect's shape (see `_objects.py`). `StorageSchema` covers every class, found by
name in `prefect_compat.storage` (1.x) or `prefect_compat.environments.storage` (0.13).
"""

from __future__ import annotations

from prefect_compat.serialization._objects import ObjectSchema

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


class StorageSchema(ObjectSchema):
    """Any storage class, tagged with its class name in `type`."""

    homes = _HOMES


class BaseStorageSchema(ObjectSchema):
    """The base Storage class."""

    homes = _HOMES
    object_class = "Storage"


class AzureSchema(ObjectSchema):
    homes = _HOMES
    object_class = "Azure"


class BitbucketSchema(ObjectSchema):
    homes = _HOMES
    object_class = "Bitbucket"


class CodeCommitSchema(ObjectSchema):
    homes = _HOMES
    object_class = "CodeCommit"


class DockerSchema(ObjectSchema):
    homes = _HOMES
    object_class = "Docker"


class GCSSchema(ObjectSchema):
    homes = _HOMES
    object_class = "GCS"


class GitSchema(ObjectSchema):
    homes = _HOMES
    object_class = "Git"


class GitHubSchema(ObjectSchema):
    homes = _HOMES
    object_class = "GitHub"


class GitLabSchema(ObjectSchema):
    homes = _HOMES
    object_class = "GitLab"


class LocalSchema(ObjectSchema):
    homes = _HOMES
    object_class = "Local"


class ModuleSchema(ObjectSchema):
    homes = _HOMES
    object_class = "Module"


class S3Schema(ObjectSchema):
    homes = _HOMES
    object_class = "S3"


class WebhookSchema(ObjectSchema):
    homes = _HOMES
    object_class = "Webhook"
