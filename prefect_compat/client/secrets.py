"""`Secret`: a named secret, read from the local context as Prefect's local mode does.

Values come from `prefect.context.secrets` (the `[context.secrets]` config section and
`PREFECT__CONTEXT__SECRETS__<NAME>` environment variables); a string value that is
JSON text is parsed (`'{"a": 1}'` -> dict, `"12"` -> 12), anything else is returned
as stored. There is no Cloud/Server lookup.
"""

from __future__ import annotations

import json
from typing import Any

from prefect_compat import _context

__all__ = ["Secret"]


def _secrets() -> Any:
    return _context.get("secrets") or {}


class Secret:
    """A secret by name: `Secret("TOKEN").get()`."""

    def __init__(self, name: str) -> None:
        self.name = name

    def exists(self) -> bool:
        """Whether the secret is set in the local context."""
        return self.name in _secrets()

    def get(self) -> Any:
        """The secret's value; ValueError (Prefect's message first) when it is not set."""
        secrets = _secrets()
        if self.name not in secrets:
            raise ValueError(
                f'Local Secret "{self.name}" was not found. Set it with the environment '
                f"variable PREFECT__CONTEXT__SECRETS__{self.name}=<value>, under "
                "[context.secrets] in ~/.prefect/config.toml, or with "
                f"prefect.context(secrets={{{self.name!r}: ...}})."
            )
        value = secrets[self.name]
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                return value
        return value
