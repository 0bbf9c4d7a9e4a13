"""Secret tasks: return a secret's value, never checkpoint it.

Secrets are local: `PrefectSecret` reads `context.secrets` (filled from the
`[context.secrets]` config section or `PREFECT__CONTEXT__SECRETS__<NAME>`), and
`EnvVarSecret` reads an environment variable. There is no Prefect Cloud/Server
backend. Every secret task carries a `SecretResult` and `checkpoint=False`, so a
secret value is never written to result storage, whatever the flow's settings.
"""

from __future__ import annotations

import json
import os
import warnings
from typing import Any, Callable

from prefect_compat import _context
from prefect_compat.core.task import Task
from prefect_compat.engine.results.secret_result import SecretResult

__all__ = ["EnvVarSecret", "PrefectSecret", "Secret", "SecretBase"]

_NO_NAME = "A secret name must be provided."


class SecretBase(Task):
    """Base of the secret tasks: a SecretResult, and never checkpointed."""

    def __init__(self, **kwargs: Any) -> None:
        if kwargs.get("result") is not None:
            raise ValueError("Result types for Secrets are not configurable.")
        kwargs["checkpoint"] = False
        super().__init__(**kwargs)
        self.result = SecretResult(self)

    def run(self, name: str | None = None) -> Any:
        raise NotImplementedError(f"{type(self).__name__} does not implement run().")


class PrefectSecret(SecretBase):
    """The value of local secret `name` from `context.secrets` (JSON text is parsed)."""

    def __init__(self, name: str | None = None, **kwargs: Any) -> None:
        self.secret_name = name
        super().__init__(name=name, **kwargs)

    def run(self, name: str | None = None) -> Any:
        name = name or self.secret_name
        if not name:
            raise ValueError(_NO_NAME)
        secrets = _context.get("secrets") or {}
        if name not in secrets:
            raise ValueError(
                f'Local Secret "{name}" was not found. Set it in context.secrets, e.g. '
                f"PREFECT__CONTEXT__SECRETS__{name}=... or [context.secrets] in config.toml."
            )
        value = secrets[name]
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                return value
        return value


class Secret(PrefectSecret):
    """Prefect 0.13's name for `PrefectSecret` (deprecated there; warns here too)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        warnings.warn(
            "The `Secret` task is deprecated and has been renamed `PrefectSecret`.",
            UserWarning,
            stacklevel=3,
        )
        super().__init__(*args, **kwargs)


class EnvVarSecret(PrefectSecret):
    """The value of environment variable `name` (None if unset, unless `raise_if_missing`)."""

    def __init__(
        self,
        name: str | None = None,
        cast: Callable[[Any], Any] | None = None,
        raise_if_missing: bool = False,
        **kwargs: Any,
    ) -> None:
        self.cast = cast
        self.raise_if_missing = raise_if_missing
        super().__init__(name=name, **kwargs)

    def run(self, name: str | None = None) -> Any:
        name = name or self.secret_name
        if not name:
            raise ValueError(_NO_NAME)
        value = os.environ.get(name)
        if value is None:
            if self.raise_if_missing:
                raise ValueError(f"Environment variable not set: {name}")
            return None
        return self.cast(value) if self.cast is not None else value
