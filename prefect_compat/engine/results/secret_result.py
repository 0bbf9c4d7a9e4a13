"""`SecretResult`: the "stored value" of a secret task is the secret itself.

Nothing is ever written: reading location `name` runs the secret task for that name,
so a secret's value is fetched again wherever it is needed instead of being
persisted. Secret tasks carry this Result and never checkpoint.
"""

from __future__ import annotations

from typing import Any

from prefect_compat.engine.result.base import Result

__all__ = ["SecretResult"]


class SecretResult(Result):
    """A Result read by running `secret_task` with the location as the secret name."""

    def __init__(self, secret_task: Any, **kwargs: Any) -> None:
        if "serializer" in kwargs:
            raise ValueError(
                "Can't pass a serializer to a SecretResult: secret values are fetched by "
                "name, never serialized."
            )
        kwargs.setdefault("location", secret_task.name)
        self.secret_task = secret_task
        super().__init__(**kwargs)

    def read(self, location: str) -> SecretResult:
        """A copy holding the value of the secret named `location`."""
        new = self.copy()
        new.location = location
        new.value = self.secret_task.run(name=location)
        return new

    def write(self, value_: Any, **kwargs: Any) -> SecretResult:
        raise ValueError(
            "SecretResults cannot be written to. A secret task's value is never stored; "
            "it is fetched again by name when needed."
        )
