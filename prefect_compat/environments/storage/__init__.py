"""0.13's flow storage path (`prefect.environments.storage`): the 1.x classes, 0.13-shaped.

See `base.py` for what differs from `prefect_compat.storage`.
"""

from __future__ import annotations

from prefect_compat.configuration import config
from prefect_compat.environments.storage import (
    azure,
    base,
    bitbucket,
    codecommit,
    docker,
    gcs,
    github,
    gitlab,
    local,
    s3,
    webhook,
)
from prefect_compat.environments.storage.azure import Azure
from prefect_compat.environments.storage.base import Storage
from prefect_compat.environments.storage.bitbucket import Bitbucket
from prefect_compat.environments.storage.codecommit import CodeCommit
from prefect_compat.environments.storage.docker import Docker
from prefect_compat.environments.storage.gcs import GCS
from prefect_compat.environments.storage.github import GitHub
from prefect_compat.environments.storage.gitlab import GitLab
from prefect_compat.environments.storage.local import Local
from prefect_compat.environments.storage.s3 import S3
from prefect_compat.environments.storage.webhook import Webhook

__all__ = [
    "GCS",
    "S3",
    "Azure",
    "Bitbucket",
    "CodeCommit",
    "Docker",
    "GitHub",
    "GitLab",
    "Local",
    "Storage",
    "Webhook",
    "azure",
    "base",
    "bitbucket",
    "codecommit",
    "config",
    "docker",
    "gcs",
    "get_default_storage_class",
    "github",
    "gitlab",
    "local",
    "s3",
    "webhook",
]


def get_default_storage_class() -> type:
    """The configured default storage class; 1.x's `Local` maps to 0.13's `Local` here."""
    from prefect_compat import storage as _storage

    found = _storage.get_default_storage_class()
    return Local if found is _storage.Local else found
