"""`prefect.utilities.exceptions` (0.13): the 0.13 exception classes.

`PrefectError` is the root of `prefect_compat.exceptions.PrefectException`, and the
client errors are the 1.x classes themselves, so 0.13 and 1.x `except` clauses
catch the same errors.
"""

from __future__ import annotations

from prefect_compat.exceptions import AuthorizationError, ClientError, PrefectError

__all__ = [
    "AuthorizationError",
    "ClientError",
    "ContextError",
    "PrefectError",
    "PrefectWarning",
    "SerializationError",
    "StorageError",
    "VersionLockError",
]


class ContextError(KeyError, PrefectError):
    """A context key that is required is missing."""


class PrefectWarning(UserWarning):
    """Base of Prefect 0.13's warnings."""


class SerializationError(PrefectError):
    """An object could not be serialized."""


class StorageError(PrefectError):
    """Flow storage failed."""


class VersionLockError(PrefectError):
    """A backend refused a state change (version locking)."""
