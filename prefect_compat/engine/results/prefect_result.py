"""`PrefectResult`: the value is small JSON and the location *is* that JSON text.

Nothing is written anywhere: `write` puts the serialized text into `location`, and
`read` parses it back. That is why only text serializers are allowed and why
location templates are ignored. Parameters use this Result, so their values show
up as JSON strings (`'7'`) in `state._result.location`.
"""

from __future__ import annotations

from typing import Any

from prefect_compat.engine.result.base import Result
from prefect_compat.engine.serializers import DateTimeSerializer, JSONSerializer, Serializer
from prefect_compat.exceptions import ResultReadError

__all__ = ["PrefectResult"]

_ALLOWED = (JSONSerializer, DateTimeSerializer)


class PrefectResult(Result):
    """A Result whose location holds the JSON (or ISO-8601) text of its value."""

    def __init__(self, **kwargs: Any) -> None:
        if "serializer" not in kwargs:
            kwargs["serializer"] = JSONSerializer()
        super().__init__(**kwargs)

    @property
    def serializer(self) -> Serializer:
        return self._serializer

    @serializer.setter
    def serializer(self, value: Serializer) -> None:
        if not isinstance(value, _ALLOWED):
            raise TypeError("PrefectResult only supports JSONSerializer or DateTimeSerializer")
        self._serializer = value

    def write(self, value_: Any, **kwargs: Any) -> PrefectResult:
        """A copy holding `value_`, with its serialized text as the location."""
        try:
            text = self.serializer.serialize(value_).decode()
        except TypeError as exc:
            raise TypeError(
                f"PrefectResult stores values as {type(self.serializer).__name__} text and "
                f"cannot store a {type(value_).__name__}: {exc}. Return a JSON-compatible "
                "value or give the task a LocalResult/S3Result instead."
            ) from exc
        new = self.copy()
        new.value = value_
        new.location = text
        return new

    def read(self, location: str) -> PrefectResult:
        """A copy holding the value parsed from `location`."""
        new = self.copy()
        new.location = location
        try:
            new.value = self.serializer.deserialize(location.encode())
        except (ValueError, TypeError, AttributeError) as exc:
            raise ResultReadError(
                f"Cannot read PrefectResult location {location!r} with "
                f"{type(self.serializer).__name__}: {exc}. The location of a PrefectResult "
                "must be the serialized text of its value."
            ) from exc
        return new

    def exists(self, location: str, **kwargs: Any) -> bool:
        """True when `location` parses: a PrefectResult's location is its stored value."""
        try:
            self.serializer.deserialize(location.encode())
        except (ValueError, TypeError, AttributeError):
            return False
        return True
