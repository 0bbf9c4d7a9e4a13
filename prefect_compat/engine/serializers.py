"""Serializers turn a value into bytes and back: the two-method seam every Result uses.

What is here: Prefect's serializers (pickle, JSON, ISO-8601 datetimes, pandas,
compressed) and a by-name table (`get_serializer("compressed/json")`) for config and
CLI strings.

What must not be here: I/O. A serializer never touches storage; Results do. Heavy
or optional libraries load on first use only: cloudpickle when something is first
pickled, pandas when a PandasSerializer is built, so importing this module is cheap.
Datetimes use the stdlib only (no pendulum).
"""

from __future__ import annotations

import base64
import importlib
import io
import json
import pickle
import re
from datetime import datetime, timedelta, timezone
from typing import Any, Callable, Dict

from prefect_compat._pickling import dumps
from prefect_compat._pickling import library as _pickler

__all__ = [
    "CompressedSerializer",
    "DateTimeSerializer",
    "JSONSerializer",
    "PandasSerializer",
    "PickleSerializer",
    "Serializer",
    "get_serializer",
    "resolve_serializer",
]

_COMPRESSION_MODULES = ("bz2", "gzip", "lzma", "zlib")

# What a failed `loads` of non-pickle bytes can raise: the opcode stream is read
# until something does not parse, and which error that is depends on the bytes.
_UNPICKLE_ERRORS = (
    pickle.UnpicklingError,
    EOFError,
    ValueError,
    TypeError,
    KeyError,
    IndexError,
    AttributeError,
    ImportError,
)


class Serializer:
    """Base class: `serialize(value) -> bytes` and `deserialize(bytes) -> value`.

    Two serializers are equal when they have the same type and the same settings,
    so Results holding them compare by configuration, not identity.
    """

    def serialize(self, value: Any) -> bytes:
        raise NotImplementedError(
            f"{type(self).__name__} does not implement serialize(); subclasses of "
            "Serializer must define both serialize() and deserialize()."
        )

    def deserialize(self, value: bytes) -> Any:
        raise NotImplementedError(
            f"{type(self).__name__} does not implement deserialize(); subclasses of "
            "Serializer must define both serialize() and deserialize()."
        )

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and self.__dict__ == other.__dict__

    __hash__ = None  # type: ignore[assignment]  # equal-by-settings and mutable


class PickleSerializer(Serializer):
    """cloudpickle, so lambdas and classes defined in `__main__` survive the trip."""

    def serialize(self, value: Any) -> bytes:
        return dumps(value)

    def deserialize(self, value: bytes) -> Any:
        """Unpickle; fall back to base64-wrapped pickles written by 0.x result handlers.

        If both attempts fail, the error of the plain unpickle is raised, since that
        is the format current writers use.
        """
        loads = _pickler().loads
        try:
            return loads(value)
        except _UNPICKLE_ERRORS as exc:
            try:
                return loads(base64.b64decode(value))
            except _UNPICKLE_ERRORS:  # binascii.Error is a ValueError
                raise exc from None


class JSONSerializer(Serializer):
    """`json.dumps(value).encode()`; a non-JSON value raises json's own TypeError."""

    def serialize(self, value: Any) -> bytes:
        return json.dumps(value).encode()

    def deserialize(self, value: bytes) -> Any:
        return json.loads(value)


_ISO_RE = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})"
    r"(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?"
    r"\s*(?:([Zz])|([+-])(\d{2})(?::?(\d{2})(?::?(\d{2}))?)?)?"
)


def _offset(sign: str, hours: str, minutes: str | None, seconds: str | None) -> timezone:
    delta = timedelta(hours=int(hours), minutes=int(minutes or 0), seconds=int(seconds or 0))
    return timezone(-delta if sign == "-" else delta)


def parse_iso8601(text: str) -> datetime:
    """Parse an ISO-8601 date or datetime into an aware datetime (naive means UTC).

    Handles 'Z', '+HH:MM', '+HHMM', '+HH', a space instead of 'T', date-only
    strings and fractions of any length (truncated to microseconds), on every
    supported Python; `datetime.fromisoformat` before 3.11 rejects 'Z'.
    """
    match = _ISO_RE.fullmatch(text.strip())
    if match is None:
        raise ValueError(
            f"Cannot parse {text!r} as an ISO-8601 datetime; expected a form like "
            "2020-01-02T03:04:05Z or 2020-01-02T03:04:05+02:00."
        )
    year, month, day, hour, minute, second, fraction, zulu, sign, off_h, off_m, off_s = (
        match.groups()
    )
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    try:
        tz = timezone.utc if zulu or sign is None else _offset(sign, off_h, off_m, off_s)
        return datetime(
            int(year), int(month), int(day), int(hour or 0), int(minute or 0),
            int(second or 0), micro, tzinfo=tz,
        )  # fmt: skip
    except ValueError as exc:
        reason = str(exc).rstrip(".")
        raise ValueError(f"Cannot parse {text!r} as an ISO-8601 datetime: {reason}.") from exc


def format_iso8601(value: datetime) -> str:
    """ISO-8601 text of `value`; naive values are taken as UTC and UTC is written 'Z'."""
    if value.tzinfo is None:
        return value.isoformat() + "Z"
    text = value.isoformat()
    if value.utcoffset() == timedelta(0) and value.tzname() == "UTC":
        return text[: -len("+00:00")] + "Z"
    return text


class DateTimeSerializer(Serializer):
    """Datetimes as ISO-8601 bytes (`b'2020-01-02T03:04:05Z'`); reads give aware datetimes."""

    def serialize(self, value: datetime) -> bytes:
        if not isinstance(value, datetime):
            raise TypeError(
                f"DateTimeSerializer serializes datetime.datetime values, not "
                f"{type(value).__name__} ({value!r}); convert the value first or use "
                "JSONSerializer/PickleSerializer."
            )
        return format_iso8601(value).encode()

    def deserialize(self, value: bytes) -> datetime:
        """Extended ISO-8601 text; failing that, the basic (`20200102T030405`), week
        (`2020-W01-3`), ordinal (`2020-032`) and reduced (`2020-01`, `2020`) forms."""
        text = value.decode() if isinstance(value, (bytes, bytearray)) else value
        try:
            return parse_iso8601(text)
        except ValueError as exc:
            from prefect_compat.core.parameter import _extended  # rare forms: loaded on need

            try:
                return parse_iso8601(_extended(text.strip()))
            except ValueError:
                raise exc from None


class PandasSerializer(Serializer):
    """DataFrames through pandas' own `to_<file_type>` / `read_<file_type>` functions.

    pandas is imported when the serializer is built, so a missing pandas or an
    unknown `file_type` fails at flow-definition time rather than at the first write.
    """

    def __init__(
        self,
        file_type: str,
        deserialize_kwargs: Dict[str, Any] | None = None,
        serialize_kwargs: Dict[str, Any] | None = None,
    ) -> None:
        self.file_type = file_type
        self._reader()
        if not hasattr(_pandas().DataFrame, f"to_{file_type}"):
            raise ValueError(
                f"Could not find serialization methods for {file_type}: pandas.DataFrame has "
                f"no to_{file_type}(). Use a file type pandas can write, such as 'csv', "
                "'parquet', 'json' or 'pickle'."
            )
        self.deserialize_kwargs = {} if deserialize_kwargs is None else deserialize_kwargs
        self.serialize_kwargs = {} if serialize_kwargs is None else serialize_kwargs

    def _reader(self) -> Callable[..., Any]:
        reader = getattr(_pandas(), f"read_{self.file_type}", None)
        if reader is None:
            raise ValueError(
                f"Could not find deserialization methods for {self.file_type}: pandas has no "
                f"read_{self.file_type}(). Use a file type pandas can read, such as 'csv', "
                "'parquet', 'json' or 'pickle'."
            )
        return reader

    def serialize(self, value: Any) -> bytes:
        """Write into a bytes buffer; writers that only take text get a string buffer."""
        writer = getattr(value, f"to_{self.file_type}", None)
        if writer is None:
            raise ValueError(
                f"Could not find serialization methods for {self.file_type}: a "
                f"{type(value).__name__} has no to_{self.file_type}(). PandasSerializer "
                "writes pandas DataFrames and Series; return one, or use another serializer."
            )
        buffer = io.BytesIO()
        try:
            writer(buffer, **self.serialize_kwargs)
        except TypeError:
            text = io.StringIO()
            writer(text, **self.serialize_kwargs)
            return text.getvalue().encode()
        return buffer.getvalue()

    def deserialize(self, value: bytes) -> Any:
        return self._reader()(io.BytesIO(value), **self.deserialize_kwargs)


def _pandas() -> Any:
    from prefect_compat._lazy import require

    return require("pandas", extra="pandas", feature="PandasSerializer")


def _compression_functions(fmt: str) -> tuple[Callable[..., bytes], Callable[..., bytes]]:
    try:
        module = importlib.import_module(fmt)
    except ImportError as exc:
        raise ImportError(
            f"CompressedSerializer(format={fmt!r}): no module named {fmt!r} is installed. "
            f"Use one of {', '.join(_COMPRESSION_MODULES)}, or pass compress= and decompress=."
        ) from exc
    compress = getattr(module, "compress", None)
    decompress = getattr(module, "decompress", None)
    if not (callable(compress) and callable(decompress)):
        raise ValueError(
            f"CompressedSerializer(format={fmt!r}): module {fmt!r} has no compress() and "
            f"decompress() functions. Use one of {', '.join(_COMPRESSION_MODULES)}, or pass "
            "the functions as compress= and decompress=."
        )
    return compress, decompress


class CompressedSerializer(Serializer):
    """Another serializer's bytes, compressed: by module name (`format="gzip"`) or functions."""

    def __init__(
        self,
        serializer: Serializer,
        format: str | None = None,
        compress: Callable[..., bytes] | None = None,
        decompress: Callable[..., bytes] | None = None,
        compress_kwargs: Dict[str, Any] | None = None,
        decompress_kwargs: Dict[str, Any] | None = None,
    ) -> None:
        format = format or None  # "" names no module: same error as no format at all
        if format is not None and (compress is not None or decompress is not None):
            raise ValueError(
                "CompressedSerializer takes either format= or compress=/decompress=, not both."
            )
        if format is not None:
            compress, decompress = _compression_functions(format)
        elif compress is None or decompress is None:
            raise ValueError(
                "CompressedSerializer needs format= (e.g. 'lzma', 'gzip') or both compress= "
                "and decompress=."
            )
        self._serializer = serializer
        self._compress = compress
        self._decompress = decompress
        self._compress_kwargs = compress_kwargs or {}
        self._decompress_kwargs = decompress_kwargs or {}

    @staticmethod
    def compression_from_lib(compression_format: str) -> tuple[Callable[..., bytes], ...]:
        """`(compress, decompress)` of the module named `compression_format` ("gzip", ...)."""
        return _compression_functions(compression_format)

    def serialize(self, value: Any) -> bytes:
        return self._compress(self._serializer.serialize(value), **self._compress_kwargs)

    def deserialize(self, value: bytes) -> Any:
        return self._serializer.deserialize(self._decompress(value, **self._decompress_kwargs))


_BY_NAME: Dict[str, Callable[[], Serializer]] = {
    "pickle": PickleSerializer,
    "json": JSONSerializer,
    "datetime": DateTimeSerializer,
    "compressed/pickle": lambda: CompressedSerializer(PickleSerializer(), format="lzma"),
    "compressed/json": lambda: CompressedSerializer(JSONSerializer(), format="lzma"),
}


def get_serializer(name: str) -> Serializer:
    """A new serializer for a config/CLI name such as "json" or "compressed/pickle"."""
    factory = _BY_NAME.get(name)
    if factory is None:
        valid = ", ".join(repr(n) for n in sorted(_BY_NAME))
        raise ValueError(f"Unknown serializer name {name!r}; valid names are {valid}.")
    return factory()


def _valid_names() -> str:
    return ", ".join(repr(n) for n in sorted(_BY_NAME))


def resolve_serializer(value: Any) -> Any:
    """`value` as a serializer: an instance as is, a name through `get_serializer`.

    Runs when a Result is built, so a wrong `serializer=` fails there and not at the
    first checkpoint. An object counts as a serializer when it is a `Serializer` or
    has callable `serialize` and `deserialize` (duck typing, as Prefect allows).
    """
    if isinstance(value, str):
        return get_serializer(value)
    if isinstance(value, Serializer):
        return value
    if isinstance(value, type):
        hint = f"pass an instance, e.g. serializer={value.__name__}()"
        raise ValueError(
            f"serializer= got the class {value.__name__}; {hint}, or a name: {_valid_names()}."
        )
    if callable(getattr(value, "serialize", None)) and callable(
        getattr(value, "deserialize", None)
    ):
        return value
    raise ValueError(
        f"serializer= must be a Serializer instance (e.g. JSONSerializer()) or one of the "
        f"names {_valid_names()}; got {type(value).__name__} ({value!r:.60})."
    )
