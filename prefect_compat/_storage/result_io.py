"""Format -> serialize -> store, and the reverse: written once for every persisted Result.

Local, S3, GCS and Azure results differ only in the Storage they build
(`result._storage()`); everything about templates, serializers and error messages
lives here. Results are immutable by copy: each call returns a new Result.
"""

from __future__ import annotations

from typing import Any

from prefect_compat._storage.base import NotFound, StorageError
from prefect_compat.engine.result.base import Result
from prefect_compat.exceptions import ResultNotFoundError, ResultReadError

__all__ = ["exists_result", "read_result", "write_result"]


def _serializer_name(result: Any) -> str:
    return type(result.serializer).__name__


def _value_repr(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 50 else text[:47] + "..."


def write_result(result: Any, value: Any, format_kwargs: dict[str, Any]) -> Any:
    """A copy of `result` holding `value`, stored at its location formatted with
    `format_kwargs` (the `write(value_, **kwargs)` of a Result, given as the dict)."""
    if type(result).format is Result.format:
        new = result._formatted(format_kwargs)
    else:  # a subclass that formats its own way
        new = result.format(**format_kwargs)
    try:
        data = result.serializer.serialize(value)
    except Exception as exc:  # noqa: BLE001 - serializers raise anything; we name the value
        raise TypeError(
            f"Cannot serialize a value of type {type(value).__name__} ({_value_repr(value)}) "
            f"with {_serializer_name(result)} for location {new.location!r}: {exc!r}. Return a "
            "value this serializer supports, pick another serializer, or set checkpoint=False."
        ) from exc
    storage = result._storage()
    stamped = getattr(storage, "write_stamped", None)
    if stamped is None:
        new.location = storage.write_bytes(new.location, data)
    else:  # a local file: keep its stamp for the run journal (values.CheckpointEncoder)
        new.location, stamp = stamped(new.location, data)
        new.__dict__["_written"] = (new.location, stamp)
    new.value = value
    return new


def read_result(result: Any, location: str) -> Any:
    """A copy of `result` with the value stored at `location` loaded."""
    new = result.copy()
    new.location = location
    try:
        data = result._storage().read_bytes(location)
    except NotFound as exc:
        raise ResultNotFoundError(
            f"No result found at location {location!r}: {exc}. Check the location, or that "
            "the task that writes it ran with checkpointing on."
        ) from exc
    try:
        new.value = result.serializer.deserialize(data)
    except Exception as exc:  # noqa: BLE001 - corrupt data raises anything from a serializer
        raise ResultReadError(
            f"Cannot read the result at {location!r} with {_serializer_name(result)}: the "
            f"data is corrupt or was written with another serializer ({exc!r})."
        ) from exc
    return new


def exists_result(result: Any, location: str, /, **format_kwargs: Any) -> bool:
    """Whether something is stored at the formatted `location` (no download)."""
    key = location.format(**format_kwargs) if format_kwargs else location
    try:
        return bool(result._storage().exists(key))
    except NotFound:
        return False
    except StorageError:
        raise
