"""`EnvVarSecret`: a secret task that reads an environment variable."""

from __future__ import annotations

import os
from typing import Any, Callable

from prefect_compat.tasks.secrets.base import NO_NAME, PrefectSecret

__all__ = ["EnvVarSecret"]


class EnvVarSecret(PrefectSecret):
    """The value of environment variable `name`, passed through `cast` when given.

    An unset variable gives None (never cast), or ValueError with
    `raise_if_missing=True`.
    """

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
            raise ValueError(NO_NAME)
        value = os.environ.get(name)
        if value is None:
            if self.raise_if_missing:
                raise ValueError(f"Environment variable not set: {name}")
            return None
        return self.cast(value) if self.cast is not None else value
