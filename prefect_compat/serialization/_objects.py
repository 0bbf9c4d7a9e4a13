"""Schemas for deployment-side objects (schedules, clocks, storage, run configs, environments).

These objects only describe where and when a flow would run on a backend; a local
run reads a few of their attributes. Prefect writes each as a dict of its
configuration plus `type` (the class name) and `__version__`, with a few value
conventions this module follows:

  datetime   -> {"dt": "<local time, ISO>", "tz": "<zone name>"}
  timedelta  -> microseconds (int), for fields named in `_TIMEDELTA_FIELDS`
  function   -> {"fn": "<dotted path>", "kwargs": {...}}   (filters, adjustments; the
                kwargs of a factory-made one are the factory's arguments, with datetimes,
                times and timedeltas as "//datetime:<iso>", "//time:<iso>",
                "//timedelta:<seconds>")
  object     -> {"type": "<class>", "__version__": ..., ...its fields}

The fields of a class are the parameters of its constructor that it keeps as
attributes, so loading calls the constructor with them. Classes are looked up by
name in the schema's `homes` (module paths), imported only when needed.
"""

from __future__ import annotations

import datetime
import importlib
import inspect
from collections.abc import Iterable, Mapping
from typing import Any, Dict, List, Tuple

from prefect_compat.serialization._rrule import dump_rrule, is_rrule, load_rrule
from prefect_compat.serialization._schema import (
    Schema,
    as_mapping,
    check_version,
    fail,
    format_version,
    join,
    require,
)

__all__ = ["ObjectSchema", "decode", "encode"]

_TIMEDELTA_FIELDS = frozenset({"interval"})
_SKIP_PARAMS = frozenset({"validate", "validate_dir"})


def _fields(cls: type) -> List[str]:
    try:
        params = inspect.signature(cls).parameters.values()
    except (TypeError, ValueError):
        return []
    return [
        p.name
        for p in params
        if p.name not in _SKIP_PARAMS and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    ]


def _no_validation(cls: type) -> Dict[str, bool]:
    try:
        params = inspect.signature(cls).parameters
    except (TypeError, ValueError):
        return {}
    return {name: False for name in _SKIP_PARAMS if name in params}


def _dotted(fn: Any) -> str:
    qualname = getattr(fn, "__qualname__", fn.__name__).split(".<locals>")[0]
    module = str(getattr(fn, "__module__", ""))
    if module == "prefect_compat" or module.startswith("prefect_compat."):
        module = "prefect" + module[len("prefect_compat") :]
    return f"{module}.{qualname}"


def encode(value: Any, where: str, field: str = "") -> Any:
    """`value` in Prefect's JSON conventions (see the module docstring)."""
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, datetime.timedelta):
        return (
            value // datetime.timedelta(microseconds=1)
            if field in _TIMEDELTA_FIELDS
            else value.total_seconds()
        )
    if isinstance(value, datetime.datetime):
        zone = getattr(value.tzinfo, "key", None) or (value.tzname() or "UTC")
        return {"dt": value.replace(tzinfo=None).isoformat(), "tz": zone}
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): encode(v, join(where, str(k))) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [encode(v, f"{where}[{i}]") for i, v in enumerate(value)]
    if inspect.isroutine(value) or hasattr(value, "func"):
        fn = getattr(value, "func", value)
        kwargs = dict(getattr(value, "keywords", None) or {}) or _factory_arguments(fn)
        return {
            "fn": _dotted(fn),
            "kwargs": {k: _encode_argument(kwargs[k], join(where, k)) for k in sorted(kwargs)},
        }
    return dump_rrule(value) if is_rrule(value) else dump_object(value, where)


# Closure variables of our factories that hold an argument under another name
_ARGUMENT_ALIASES = {"between_datetimes": {"start": "low", "end": "high"}}


def _factory_arguments(fn: Any) -> Dict[str, Any]:
    """The arguments a filter/adjustment factory (e.g. `between_times(start, end)`) was
    called with, read from the function it returned, as Prefect writes them."""
    if ".<locals>" not in getattr(fn, "__qualname__", "") or not inspect.isfunction(fn):
        return {}
    factory_path = fn.__qualname__.split(".<locals>")[0]
    try:
        factory = getattr(importlib.import_module(fn.__module__), factory_path)
        names = list(inspect.signature(factory).parameters)
    except (AttributeError, ImportError, TypeError, ValueError):
        return {}
    nonlocals = inspect.getclosurevars(fn).nonlocals
    aliases = _ARGUMENT_ALIASES.get(factory_path, {})
    found = {name: nonlocals.get(aliases.get(name, name), _MISSING) for name in names}
    return {name: value for name, value in found.items() if value is not _MISSING}


_MISSING = object()
_TAGS = (
    ("//datetime:", datetime.datetime),
    ("//time:", datetime.time),
)


def _encode_argument(value: Any, where: str) -> Any:
    """A factory argument: datetimes, times and timedeltas as Prefect's tagged strings."""
    for tag, kind in _TAGS:
        if isinstance(value, kind):
            return tag + value.isoformat()
    if isinstance(value, datetime.timedelta):
        return f"//timedelta:{value.total_seconds()}"
    return encode(value, where)


def _decode_argument(value: Any, where: str) -> Any:
    if not isinstance(value, str) or not value.startswith("//"):
        return decode(value, where)
    tag, _, text = value.partition(":")
    try:
        if tag == "//timedelta":
            return datetime.timedelta(seconds=float(text))
        if tag == "//time":
            return datetime.time.fromisoformat(text)
        if tag == "//datetime":
            when = datetime.datetime.fromisoformat(text)
            return when if when.tzinfo else when.replace(tzinfo=datetime.timezone.utc)
    except ValueError as exc:
        raise fail(where, f"Not a valid {tag[2:]}: {text!r} ({exc}).") from exc
    return value


def decode(value: Any, where: str, field: str = "", homes: Iterable[str] = ()) -> Any:
    """The inverse of `encode` (typed dicts become objects of a class found in `homes`)."""
    if isinstance(value, list):
        return [decode(v, f"{where}[{i}]", homes=homes) for i, v in enumerate(value)]
    if isinstance(value, int) and not isinstance(value, bool) and field in _TIMEDELTA_FIELDS:
        return datetime.timedelta(microseconds=value)
    if not isinstance(value, dict):
        return value
    if set(value) == {"dt", "tz"}:
        return _datetime(value, where)
    if "fn" in value and set(value) <= {"fn", "kwargs"}:
        from prefect_compat.utilities.importtools import import_object

        fn = import_object(value["fn"])
        kwargs = value.get("kwargs") or {}
        return (
            fn(**{k: _decode_argument(v, join(where, k)) for k, v in kwargs.items()})
            if kwargs
            else fn
        )
    if "type" in value and "__version__" in value:
        return _load_typed(value, where, homes)
    return {k: decode(v, join(where, k), homes=homes) for k, v in value.items()}


def _load_typed(value: Mapping[str, Any], where: str, homes: Iterable[str]) -> Any:
    if value["type"] in ("rrule", "rruleset"):  # dateutil rules, not classes of ours
        return load_rrule(value, where)
    return load_object(value, where, homes)


def _datetime(value: Mapping[str, Any], where: str) -> datetime.datetime:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        naive = datetime.datetime.fromisoformat(value["dt"])
        zone = datetime.timezone.utc if value["tz"] in ("UTC", "+00:00") else ZoneInfo(value["tz"])
    except (ValueError, TypeError, ZoneInfoNotFoundError) as exc:
        raise fail(where, f"Not a valid datetime {dict(value)!r}: {exc}.") from exc
    return naive.replace(tzinfo=zone)


def dump_object(obj: Any, where: str = "", typed: bool = True) -> Dict[str, Any]:
    out = {
        name: encode(getattr(obj, name), join(where, name), name)
        for name in _fields(type(obj))
        if hasattr(obj, name)
    }
    out["__version__"] = format_version()
    if typed:
        out["type"] = type(obj).__name__
    return out


def _find(name: str, homes: Iterable[str], where: str) -> type:
    for home in homes:
        try:
            module = importlib.import_module(home)
        except ModuleNotFoundError:
            continue
        cls = getattr(module, name, None)
        if isinstance(cls, type):
            return cls
    # name the modules as the user imports them (prefect.*), not by our package name
    public = ", ".join(dict.fromkeys(_public_module(home) for home in homes))
    raise fail(join(where, "type"), f"Unsupported value: {name!r} (looked in {public}).")


def _public_module(path: str) -> str:
    if path == "prefect_compat" or path.startswith("prefect_compat."):
        return "prefect" + path[len("prefect_compat") :]
    return path


def load_object(data: Any, where: str, homes: Iterable[str], cls: type | None = None) -> Any:
    data = as_mapping(data, where, "an object")
    check_version(data, where, required=cls is None)
    homes = tuple(homes)
    if cls is None:
        name = require(data, "type", where)
        cls = _find(str(name), homes, where)
    fields = _fields(cls)
    kwargs = {f: decode(data[f], join(where, f), f, homes) for f in fields if f in data}
    kwargs.update(_no_validation(cls))  # loading never creates directories, as in Prefect
    try:
        obj = cls(**kwargs)
    except (TypeError, ValueError) as exc:
        raise fail(
            where or "_schema", f"Cannot build {cls.__name__} from {sorted(kwargs)}: {exc}"
        ) from exc
    for key, value in data.items():
        if key not in kwargs and key not in ("type", "__version__") and hasattr(obj, key):
            setattr(obj, key, decode(value, join(where, key), key, homes))
    return obj


class ObjectSchema(Schema):
    """A family of classes found by name in `homes`; `object_class` pins one (no `type` key)."""

    homes: Tuple[str, ...] = ()
    object_class: str | None = None

    def _dump(self, obj: Any, where: str) -> Dict[str, Any]:
        return dump_object(obj, where, typed=self.object_class is None)

    def _load(self, data: Any, where: str) -> Any:
        cls = _find(self.object_class, self.homes, where) if self.object_class else None
        return load_object(data, where, self.homes, cls)


def family(module: str, homes: Tuple[str, ...], names: Mapping[str, str | None]) -> Dict[str, type]:
    """`{"LocalSchema": <ObjectSchema subclass pinned to Local>, ...}` for one module."""
    return {
        schema: type(
            schema, (ObjectSchema,), {"homes": homes, "object_class": cls, "__module__": module}
        )
        for schema, cls in names.items()
    }
