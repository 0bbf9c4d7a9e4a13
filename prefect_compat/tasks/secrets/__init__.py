"""`prefect.tasks.secrets`: tasks that return secret values (local secrets only)."""

from __future__ import annotations

from prefect_compat.tasks.secrets.base import EnvVarSecret, PrefectSecret, Secret, SecretBase

__all__ = ["EnvVarSecret", "PrefectSecret", "Secret", "SecretBase"]
