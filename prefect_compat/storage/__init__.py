"""Flow storage at Prefect's import path (`prefect.storage`, 1.x): kept on `flow.storage`.

`Local` and `Module` work on this machine; the others record their arguments and
raise `NoBackendError` where they would upload or download (see `base.py`).
"""

from __future__ import annotations

import importlib
import warnings

from prefect_compat.configuration import config
from prefect_compat.storage import (
    azure,
    base,
    bitbucket,
    codecommit,
    docker,
    gcs,
    git,
    github,
    gitlab,
    local,
    module,
    s3,
    webhook,
)
from prefect_compat.storage.azure import Azure
from prefect_compat.storage.base import Storage
from prefect_compat.storage.bitbucket import Bitbucket
from prefect_compat.storage.codecommit import CodeCommit
from prefect_compat.storage.docker import Docker
from prefect_compat.storage.gcs import GCS
from prefect_compat.storage.git import Git
from prefect_compat.storage.github import GitHub
from prefect_compat.storage.gitlab import GitLab
from prefect_compat.storage.local import Local
from prefect_compat.storage.module import Module
from prefect_compat.storage.s3 import S3
from prefect_compat.storage.webhook import Webhook

__all__ = [
    "GCS",
    "S3",
    "Azure",
    "Bitbucket",
    "CodeCommit",
    "Docker",
    "Git",
    "GitHub",
    "GitLab",
    "Local",
    "Module",
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
    "git",
    "github",
    "gitlab",
    "local",
    "module",
    "s3",
    "webhook",
]


def get_default_storage_class() -> type:
    """The class named by `flows.defaults.storage.default_class` (default: `Local`)."""
    value = config.flows.defaults.storage.default_class
    if not isinstance(value, str):
        return value  # type: ignore[no-any-return]
    dotted = "prefect_compat." + value[len("prefect.") :] if value.startswith("prefect.") else value
    module_name, _, name = dotted.rpartition(".")
    try:
        return getattr(importlib.import_module(module_name), name)  # type: ignore[no-any-return]
    except (ImportError, AttributeError, ValueError):
        warnings.warn(
            f"Could not import {value}; using prefect.storage.Local instead. Check "
            "flows.defaults.storage.default_class in your config.",
            UserWarning,
            stacklevel=2,
        )
        return Local
