"""`prefect.tasks.secrets`: tasks that return secret values (local secrets only)."""

from __future__ import annotations

from prefect_compat.tasks.secrets import base, env_var
from prefect_compat.tasks.secrets.base import PrefectSecret, Secret, SecretBase
from prefect_compat.tasks.secrets.env_var import EnvVarSecret

__all__ = ["EnvVarSecret", "PrefectSecret", "Secret", "SecretBase", "base", "env_var"]
