"""Prefect 2.x result serializers (`prefect.serializers`): objects to bytes and back.

Each serializer has a `type` name, `dumps(obj) -> bytes`, `loads(bytes) -> obj`, and a
description (`dict()` / `json()`) that is written into every persisted result document, so
a reader rebuilds the serializer from the document alone (`Serializer.parse_obj(desc)`).
The bytes and descriptions are exactly Prefect 2.6.9's, so documents move both ways:

    pickle             base64 (76-column lines, trailing newline) over cloudpickle
    json               UTF-8 JSON text; types json lacks go through the object encoder as
                       {"__class__": "<module>.<qualname>", "data": <plain value>}
    compressed         base64 over compress(inner.dumps(obj)) (lzma by default)
    compressed/pickle  `compressed` around pickle; compressed/json likewise around json

`Serializer(type="json")` dispatches on `type`; subclasses that set a `type` register
themselves the same way. An unknown name raises ValueError listing the valid ones.

This is the 2.x family. The 1.x serializers (`serialize`/`deserialize` on raw bytes) live in
`prefect_compat.engine.serializers` and are unrelated: nothing here resolves to them.
No pydantic: plain classes with the fields Prefect's models have.
"""

from __future__ import annotations

import base64
import collections
import dataclasses
import datetime
import decimal
import enum
import importlib
import ipaddress
import json
import pathlib
import re
import sys
import types
import uuid
import warnings
from typing import Any, Callable, ClassVar, Dict, Tuple

__all__ = [
    "CompressedJSONSerializer",
    "CompressedPickleSerializer",
    "CompressedSerializer",
    "JSONSerializer",
    "PickleSerializer",
    "Serializer",
    "prefect_json_object_decoder",
    "prefect_json_object_encoder",
]

# The names documents use for our hooks: Prefect's dotted paths, so 2.6.9 can read them.
ENCODER_NAME = "prefect.serializers.prefect_json_object_encoder"
DECODER_NAME = "prefect.serializers.prefect_json_object_decoder"
# The shortcut names `result_serializer=` accepts (in the order the docs list them).
SERIALIZER_NAMES = ("pickle", "json", "compressed/pickle", "compressed/json")

_REGISTRY: Dict[str, type] = {}


def _import(name: str) -> Any:
    module = sys.modules.get(name)
    return module if module is not None else importlib.import_module(name)


def _library(name: str, kind: str, methods: Tuple[str, ...]) -> Any:
    """Import the `kind` library `name` and check it has `methods` (ValueError if not)."""
    try:
        module = _import(name)
    except ImportError as exc:
        raise ValueError(f"Failed to import requested {kind} library: {name!r}.") from exc
    for method in methods:
        if not callable(getattr(module, method, None)):
            raise ValueError(
                f"{kind.capitalize()} library at {name!r} does not have a {method!r} method."
            )
    return module


def unknown_serializer_error(name: object) -> ValueError:
    valid = ", ".join(repr(n) for n in SERIALIZER_NAMES)
    extra = sorted(set(_REGISTRY) - set(SERIALIZER_NAMES))
    also = f" (registered types: {', '.join(map(repr, extra))})" if extra else ""
    return ValueError(
        f"Unknown result serializer {name!r}. Use one of {valid}{also}, or pass a "
        "Serializer instance such as CompressedSerializer(serializer='json', "
        "compressionlib='zlib')."
    )


class Serializer:
    """Base class; `Serializer(type=...)` builds the registered subclass for that type."""

    type: ClassVar[str] = ""
    _fields: ClassVar[Tuple[str, ...]] = ()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        name = cls.__dict__.get("type")
        if isinstance(name, str) and name:
            _REGISTRY[name] = cls

    def __new__(cls, *args: Any, **data: Any) -> Any:
        if cls is Serializer:
            name = data.get("type")
            if name is None:
                raise ValueError(
                    "Serializer(...) needs type=, e.g. Serializer(type='json'); valid types: "
                    + ", ".join(repr(n) for n in SERIALIZER_NAMES)
                )
            target = _REGISTRY.get(name) if isinstance(name, str) else None
            if target is None:
                raise unknown_serializer_error(name)
            return object.__new__(target)
        return object.__new__(cls)

    def __init__(self, *, type: str | None = None, **fields: Any) -> None:  # noqa: A002
        _check_type(self, type)
        for name, value in fields.items():
            setattr(self, name, value)

    def dumps(self, obj: Any) -> bytes:
        raise NotImplementedError(f"{type(self).__name__} must implement dumps(obj) -> bytes.")

    def loads(self, blob: bytes) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must implement loads(blob) -> object.")

    @classmethod
    def parse_obj(cls, data: Any) -> Serializer:
        """A serializer from its description (a dict with `type`), or the instance itself."""
        if isinstance(data, Serializer):
            return data
        if not isinstance(data, dict):
            raise TypeError(f"A serializer description must be a dict; got {type(data).__name__}.")
        target = cls if cls is not Serializer else Serializer
        return target(**data)  # type: ignore[no-any-return]

    def dict(self) -> Dict[str, Any]:
        """The description: `type` first, then the fields in declaration order."""
        out: Dict[str, Any] = {"type": self.type}
        for name in self._field_names():
            value = getattr(self, name)
            out[name] = value.dict() if isinstance(value, Serializer) else value
        return out

    def json(self) -> str:
        return json.dumps(self.dict())

    def _field_names(self) -> Tuple[str, ...]:
        if self._fields:
            return self._fields
        return tuple(k for k in vars(self) if not k.startswith("_"))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Serializer) and self.dict() == other.dict()

    __hash__ = None  # type: ignore[assignment]  # compared by description, and mutable

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={getattr(self, k)!r}" for k in self._field_names())
        return f"{type(self).__name__}(type={self.type!r}{', ' if fields else ''}{fields})"


def _check_type(serializer: Serializer, given: str | None) -> None:
    if given is not None and given != serializer.type:
        raise ValueError(
            f"{type(serializer).__name__} has type {serializer.type!r}, not {given!r}; "
            f"use Serializer(type={given!r}) to build a serializer by name."
        )


class PickleSerializer(Serializer):
    """cloudpickle (or `picklelib`) output, base64-encoded: `dumps(1) == b"gAVLAS4=\\n"`."""

    type = "pickle"
    _fields = ("picklelib", "picklelib_version")

    def __init__(
        self,
        *,
        type: str | None = None,  # noqa: A002
        picklelib: str = "cloudpickle",
        picklelib_version: str | None = None,
    ) -> None:
        _check_type(self, type)
        module = _library(picklelib, "pickle", ("dumps", "loads"))
        installed = getattr(module, "__version__", None)
        if picklelib_version is None:
            picklelib_version = installed
        elif picklelib_version != installed:
            warnings.warn(
                f"Mismatched {picklelib!r} versions. Found {installed} in the environment "
                f"but {picklelib_version} was requested. This may cause the serializer to fail.",
                RuntimeWarning,
                stacklevel=2,
            )
        self.picklelib = picklelib
        self.picklelib_version = picklelib_version

    def dumps(self, obj: Any) -> bytes:
        return base64.encodebytes(_import(self.picklelib).dumps(obj))

    def loads(self, blob: bytes) -> Any:
        return _import(self.picklelib).loads(base64.decodebytes(blob))


class JSONSerializer(Serializer):
    """JSON text as UTF-8 bytes; extra types through `object_encoder`/`object_decoder`."""

    type = "json"
    _fields = ("jsonlib", "object_encoder", "object_decoder", "dumps_kwargs", "loads_kwargs")

    def __init__(  # noqa: PLR0913 - Prefect's field list
        self,
        *,
        type: str | None = None,  # noqa: A002
        jsonlib: str = "json",
        object_encoder: str | None = ENCODER_NAME,
        object_decoder: str | None = DECODER_NAME,
        dumps_kwargs: Dict[str, Any] | None = None,
        loads_kwargs: Dict[str, Any] | None = None,
    ) -> None:
        _check_type(self, type)
        dumps_kwargs = dict(dumps_kwargs or {})
        loads_kwargs = dict(loads_kwargs or {})
        if "default" in dumps_kwargs:
            raise ValueError("`default` cannot be provided. Use `object_encoder` instead.")
        if "object_hook" in loads_kwargs:
            raise ValueError("`object_hook` cannot be provided. Use `object_decoder` instead.")
        self.jsonlib = jsonlib
        self.object_encoder = object_encoder
        self.object_decoder = object_decoder
        self.dumps_kwargs = dumps_kwargs
        self.loads_kwargs = loads_kwargs

    def dumps(self, obj: Any) -> bytes:
        lib = sys.modules.get(self.jsonlib) or _library(self.jsonlib, "JSON", ("dumps", "loads"))
        kwargs = dict(self.dumps_kwargs)
        if self.object_encoder:
            kwargs["default"] = _hook(self.object_encoder)
        text = lib.dumps(obj, **kwargs)
        return text.encode() if isinstance(text, str) else bytes(text)

    def loads(self, blob: bytes) -> Any:
        decoder = _hook(self.object_decoder) if self.object_decoder else None
        kwargs = dict(self.loads_kwargs)
        if self.jsonlib in ("json", "simplejson") or not _importable(self.jsonlib):
            # Libraries with `object_hook` get it; a document written by a library that is
            # not installed here (orjson, ...) is plain JSON, so the stdlib reads it.
            lib = _import("simplejson" if self.jsonlib == "simplejson" else "json")
            if decoder is not None:
                kwargs["object_hook"] = decoder
            return lib.loads(blob.decode(), **kwargs)
        # orjson and friends take no object_hook (Prefect 2.6.9 cannot read these back):
        # parse, then apply the decoder bottom-up exactly as object_hook would.
        value = _import(self.jsonlib).loads(blob, **kwargs)
        return _apply_hook(value, decoder) if decoder is not None else value


def _importable(name: str) -> bool:
    try:
        _import(name)
    except ImportError:
        return False
    return True


def _apply_hook(value: Any, hook: Callable[[Dict[str, Any]], Any]) -> Any:
    if isinstance(value, dict):
        return hook({k: _apply_hook(v, hook) for k, v in value.items()})
    if isinstance(value, list):
        return [_apply_hook(v, hook) for v in value]
    return value


class CompressedSerializer(Serializer):
    """Wraps another serializer: base64 over `compressionlib.compress(inner.dumps(obj))`."""

    type = "compressed"
    _fields = ("serializer", "compressionlib")
    _default_inner: ClassVar[str | None] = None

    def __init__(
        self,
        *,
        type: str | None = None,  # noqa: A002
        serializer: Any = None,
        compressionlib: str = "lzma",
    ) -> None:
        _check_type(self, type)
        if serializer is None:
            if self._default_inner is None:
                raise ValueError(
                    "CompressedSerializer needs serializer=: a name such as 'pickle' or "
                    "'json', or a Serializer instance."
                )
            serializer = self._default_inner
        _library(compressionlib, "compression", ("compress", "decompress"))
        self.serializer = _inner(serializer)
        self.compressionlib = compressionlib

    def dumps(self, obj: Any) -> bytes:
        compressed = _import(self.compressionlib).compress(self.serializer.dumps(obj))
        return base64.encodebytes(compressed)

    def loads(self, blob: bytes) -> Any:
        data = _import(self.compressionlib).decompress(base64.decodebytes(blob))
        return self.serializer.loads(data)


def _inner(serializer: Any) -> Serializer:
    if isinstance(serializer, Serializer):
        return serializer
    if isinstance(serializer, str):
        return Serializer(type=serializer)  # type: ignore[no-any-return]
    if isinstance(serializer, dict):
        return Serializer.parse_obj(serializer)
    raise TypeError(
        "CompressedSerializer(serializer=...) takes a serializer name, a description dict "
        f"or a Serializer instance; got {type(serializer).__name__}."
    )


class CompressedPickleSerializer(CompressedSerializer):
    """`compressed/pickle`: lzma over the pickle serializer."""

    type = "compressed/pickle"
    _default_inner = "pickle"


class CompressedJSONSerializer(CompressedSerializer):
    """`compressed/json`: lzma over the JSON serializer."""

    type = "compressed/json"
    _default_inner = "json"


# --- the JSON object hooks -------------------------------------------------------------


def _decimal_data(value: decimal.Decimal) -> Any:
    exponent = value.as_tuple().exponent
    return int(value) if isinstance(exponent, int) and exponent >= 0 else float(value)


_ENCODERS: Dict[type, Callable[[Any], Any]] = {
    bytes: lambda v: v.decode(),
    datetime.datetime: lambda v: v.isoformat(),
    datetime.date: lambda v: v.isoformat(),
    datetime.time: lambda v: v.isoformat(),
    datetime.timedelta: lambda v: v.total_seconds(),
    decimal.Decimal: _decimal_data,
    uuid.UUID: str,
    set: list,
    frozenset: list,
    collections.deque: list,
    types.GeneratorType: list,
    re.Pattern: lambda v: v.pattern,
    pathlib.PurePath: str,
    ipaddress.IPv4Address: str,
    ipaddress.IPv6Address: str,
    ipaddress.IPv4Network: str,
    ipaddress.IPv6Network: str,
    ipaddress.IPv4Interface: str,
    ipaddress.IPv6Interface: str,
}


def _encode_data(obj: Any) -> Any:
    if hasattr(obj, "model_dump") and hasattr(type(obj), "model_fields"):
        return obj.model_dump()  # pydantic 2
    if hasattr(obj, "dict") and hasattr(type(obj), "__fields__"):
        return obj.dict()  # pydantic 1
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return dataclasses.asdict(obj)
    if isinstance(obj, enum.Enum):
        return obj.value
    for base in type(obj).__mro__:
        encoder = _ENCODERS.get(base)
        if encoder is not None:
            return encoder(obj)
    raise TypeError(f"Object of type '{type(obj).__name__}' is not JSON serializable")


def prefect_json_object_encoder(obj: Any) -> Any:
    """`default=` hook: `{"__class__": "<module>.<qualname>", "data": <plain value>}`."""
    cls = type(obj)
    return {"__class__": f"{cls.__module__}.{cls.__qualname__}", "data": _encode_data(obj)}


def _from_isoformat(cls: Any, text: str) -> Any:
    if text.endswith("Z"):  # Python < 3.11 fromisoformat does not take the Z suffix
        text = text[:-1] + "+00:00"
    return cls.fromisoformat(text)


_DECODERS: Dict[type, Callable[[Any, Any], Any]] = {
    datetime.datetime: _from_isoformat,
    datetime.date: _from_isoformat,
    datetime.time: _from_isoformat,
    datetime.timedelta: lambda cls, data: cls(seconds=data),
    decimal.Decimal: lambda cls, data: cls(str(data)),
    bytes: lambda cls, data: data.encode(),
    uuid.UUID: lambda cls, data: cls(str(data)),
    set: lambda cls, data: cls(data),
    frozenset: lambda cls, data: cls(data),
    collections.deque: lambda cls, data: cls(data),
    re.Pattern: lambda cls, data: re.compile(data),
}
_DECODE_BY_CALL = (
    pathlib.PurePath,
    enum.Enum,
    ipaddress.IPv4Address,
    ipaddress.IPv6Address,
    ipaddress.IPv4Network,
    ipaddress.IPv6Network,
    ipaddress.IPv4Interface,
    ipaddress.IPv6Interface,
)


def _qualified(name: str) -> Any:
    """The object at a dotted `module.qualname` (nested classes included)."""
    parts = name.split(".")
    for split in range(len(parts) - 1, 0, -1):
        try:
            obj = _import(".".join(parts[:split]))
        except ImportError:
            continue
        for attr in parts[split:]:
            obj = getattr(obj, attr)
        return obj
    raise ImportError(f"No module found for {name!r}")


def _decode(name: str, data: Any) -> Any:
    try:
        cls = _qualified(name)
    except (ImportError, AttributeError) as exc:
        raise ValueError(f"Cannot decode a JSON object of class {name!r}: {exc}") from exc
    if not isinstance(cls, type):
        raise ValueError(f"Cannot decode a JSON object of class {name!r}: it is not a class.")
    decoder = _DECODERS.get(cls)
    if decoder is not None:
        return decoder(cls, data)
    if issubclass(cls, _DECODE_BY_CALL):
        return cls(data)
    if hasattr(cls, "model_validate"):  # pydantic 2
        return cls.model_validate(data)
    if hasattr(cls, "parse_obj") and hasattr(cls, "__fields__"):  # pydantic 1
        return cls.parse_obj(data)
    if dataclasses.is_dataclass(cls) and isinstance(data, dict):
        return cls(**data)
    raise ValueError(
        f"Cannot decode a JSON object of class {name!r}: the JSON serializer rebuilds "
        "datetimes, UUIDs, decimals, bytes, sets, paths, IP addresses, enums, dataclasses "
        "and pydantic models only. Use the pickle serializer for other types."
    )


def prefect_json_object_decoder(result: Dict[str, Any]) -> Any:
    """`object_hook`: turn `{"__class__": ..., "data": ...}` back into the object."""
    if "__class__" in result and "data" in result:
        return _decode(result["__class__"], result["data"])
    return result


_HOOKS: Dict[str, Callable[..., Any]] = {
    ENCODER_NAME: prefect_json_object_encoder,
    DECODER_NAME: prefect_json_object_decoder,
    "prefect_compat.serializers.prefect_json_object_encoder": prefect_json_object_encoder,
    "prefect_compat.serializers.prefect_json_object_decoder": prefect_json_object_decoder,
}


def _hook(name: str) -> Callable[..., Any]:
    """An encoder/decoder by dotted name; Prefect's own names map to ours."""
    hook = _HOOKS.get(name)
    if hook is None:
        try:
            hook = _qualified(name)
        except (ImportError, AttributeError) as exc:
            raise ValueError(f"Cannot import the JSON hook {name!r}: {exc}") from exc
        if not callable(hook):
            raise ValueError(f"The JSON hook {name!r} is not callable.")
    return hook
