"""Secret tasks: return a secret's value, never checkpoint it.

Secrets are local: `PrefectSecret` reads `context.secrets` (filled from the
`[context.secrets]` config section or `PREFECT__CONTEXT__SECRETS__<NAME>`), and
`EnvVarSecret` reads an environment variable. There is no Prefect Cloud/Server
backend. Every secret task carries a `SecretResult` and `checkpoint=False`, so a
secret value is never written to result storage, whatever the flow's settings.
"""

from __future__ import annotations

import warnings
from typing import Any

from prefect_compat.client.secrets import Secret as _LocalSecret
from prefect_compat.core.task import Task
from prefect_compat.engine.results.secret_result import SecretResult

__all__ = ["PrefectSecret", "Secret", "SecretBase"]

NO_NAME = "A secret name must be provided."


class SecretBase(Task):
    """Base of the secret tasks: a SecretResult, and never checkpointed."""

    _restart_each_pass = True  # read again in every pass of flow.run() (never kept)

    def __init__(self, **kwargs: Any) -> None:
        if kwargs.get("result") is not None:
            raise ValueError("Result types for Secrets are not configurable.")
        kwargs["checkpoint"] = False
        super().__init__(**kwargs)
        self.result = SecretResult(self)

    def run(self, name: str | None = None) -> Any:
        """Subclasses return the secret's value; the base class returns None, as Task does."""
        return None


class PrefectSecret(SecretBase):
    """The value of local secret `name` from `context.secrets` (JSON text is parsed)."""

    def __init__(self, name: str | None = None, **kwargs: Any) -> None:
        self.secret_name = name
        super().__init__(name=name, **kwargs)

    def run(self, name: str | None = None) -> Any:
        name = name or self.secret_name
        if not name:
            raise ValueError(NO_NAME)
        return _LocalSecret(name).get()


class Secret(PrefectSecret):
    """Prefect 0.13's name for `PrefectSecret` (deprecated there; warns here too)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        warnings.warn(
            "The `Secret` task is deprecated and has been renamed `PrefectSecret`.",
            UserWarning,
            stacklevel=3,
        )
        super().__init__(*args, **kwargs)
