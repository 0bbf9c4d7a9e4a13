"""The small schema machinery behind `prefect.serialization.*` (no marshmallow).

Prefect's schemas are marshmallow classes; what users and stored data rely on is
only their behaviour: `Schema().dump(obj) -> dict`, `Schema().load(dict) -> obj`,
`dumps`/`loads` for JSON text, `many=True` for lists, a `__version__` field on every
object and a `type` field where one schema covers several classes. Each concrete
schema here is a table of fields plus two small functions, so a dump is a handful of
attribute reads and dict stores (the run journal writes one per state change).

Loading is all-or-nothing: every field is decoded and checked before the object is
built, so bad input raises `ValidationError` naming the field (as a dotted path,
e.g. `cached_inputs.x.type`) and never returns a half-built object.

Nothing here imports the engine; the schemas that build engine objects import
their classes lazily.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any, Callable, Dict, List

__all__ = ["FORMAT_VERSIONS", "Schema", "ValidationError", "format_version"]

# The Prefect release whose dict format we write, per `compat.prefect_version`. Every
# dict we dump says so in `__version__`, exactly as a dict dumped by that release does.
FORMAT_VERSIONS = {"1": "1.4.1", "0.13": "0.13.19"}
_CORE_VERSION = re.compile(r"^[01]\.\d+")


class ValidationError(ValueError):
    """Data that a schema cannot dump or load; `messages` maps field paths to errors.

    Plays the part of `marshmallow.ValidationError` (same `messages` shape:
    `{"field": ["why"]}`); it is a ValueError so generic handlers catch it.
    """

    def __init__(self, messages: Mapping[str, List[str]], action: str = "load") -> None:
        self.messages = dict(messages)
        parts = [f"{field}: {' '.join(errors)}" for field, errors in self.messages.items()]
        super().__init__(f"Cannot {action} - " + "; ".join(parts))


def fail(where: str, why: str, action: str = "load") -> ValidationError:
    return ValidationError({where or "_schema": [why]}, action)


def format_version() -> str:
    """`__version__` to write: the Prefect release picked by `compat.prefect_version`."""
    from prefect_compat.configuration import config

    compat = dict.get(config, "compat")
    wanted = dict.get(compat, "prefect_version", "1") if isinstance(compat, dict) else "1"
    return FORMAT_VERSIONS.get(str(wanted), FORMAT_VERSIONS["1"])


def check_version(data: Mapping[str, Any], where: str, required: bool = True) -> None:
    """Accept dicts written by Prefect Core 0.x/1.x (or by us); refuse the rest.

    `required=False` (the single-class schemas, which Prefect users call on hand-made
    dicts) only checks a `__version__` that is present.
    """
    path = join(where, "__version__")
    if "__version__" not in data:
        if not required:
            return
        raise fail(path, "Missing data for required field (every dict Prefect dumps has it).")
    version = data["__version__"]
    if version in _ACCEPTED:
        return
    if not isinstance(version, str) or not _CORE_VERSION.match(version):
        raise fail(
            path,
            f"{version!r} is not a Prefect Core 0.x/1.x version: this schema loads dicts "
            "dumped by Prefect Core 0.x/1.x or prefect-compat (Prefect 2.x states have "
            "another format).",
        )
    if len(_ACCEPTED) < 64:
        _ACCEPTED.add(version)


_ACCEPTED: set = set()  # versions already checked (a journal repeats one or two)


def join(where: str, field: str) -> str:
    return f"{where}.{field}" if where else field


def require(data: Mapping[str, Any], field: str, where: str) -> Any:
    if field not in data:
        raise fail(join(where, field), "Missing data for required field.")
    return data[field]


def as_mapping(data: Any, where: str, what: str) -> Mapping[str, Any]:
    if type(data) is dict or isinstance(data, Mapping):
        return data
    raise fail(
        where, f"Expected a dict describing {what}, got {type(data).__name__}: {data!r:.80}."
    )
    return data


# -- field codecs -----------------------------------------------------------------------

_JSON_SCALARS = (str, int, float, bool, type(None))


def dump_json(value: Any, where: str) -> Any:
    """`value` unchanged if `json.dumps` can write it, else a ValidationError naming where."""
    bad = _first_non_json(value, where)
    if bad is not None:
        path, item = bad
        raise fail(
            path,
            f"{item!r:.100} ({type(item).__name__}) is not JSON compatible. States are "
            "stored as plain JSON: keep only dicts, lists, strings, numbers, booleans and "
            "None here (e.g. store a datetime as an ISO string).",
            action="dump",
        )
    return value


def _first_non_json(value: Any, where: str) -> tuple[str, Any] | None:
    if isinstance(value, _JSON_SCALARS):
        return None
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, _JSON_SCALARS):
                return join(where, repr(key)), key
            found = _first_non_json(item, join(where, str(key)))
            if found is not None:
                return found
        return None
    if isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            found = _first_non_json(item, f"{where}[{index}]")
            if found is not None:
                return found
        return None
    return where, value


def load_json_dict(value: Any, where: str, optional: bool = False) -> Any:
    if value is None and optional:
        return None
    if not isinstance(value, dict):
        raise fail(where, f"Not a valid mapping type: {value!r:.80}.")
    return value


def dump_str(value: Any) -> str | None:
    return None if value is None else str(value)


def load_str(value: Any, where: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise fail(where, f"Not a valid string: {value!r:.80}.")


def load_int(value: Any, where: str) -> int | None:
    """An int, or a string holding one (as Prefect accepts); None stays None."""
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            pass
    raise fail(where, f"Not a valid integer: {value!r:.80}.")


def dump_datetime(value: Any, where: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, datetime):
        raise fail(where, f"Not a datetime: {value!r:.80}.", action="dump")
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.isoformat()


def load_datetime(value: Any, where: str) -> datetime | None:
    """ISO 8601 text -> aware datetime (naive text is taken as UTC, as Prefect does)."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value[:-1] + "+00:00" if value.endswith(("Z", "z")) else value
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            pass
        else:
            return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=timezone.utc)
    raise fail(where, f"Not a valid ISO 8601 datetime: {value!r:.80}.")


# -- schema base ------------------------------------------------------------------------


class Schema:
    """`dump`/`load` (plus `dumps`/`loads` for JSON text); `many=True` maps over lists.

    Subclasses implement `_dump(obj, where)` and `_load(data, where)`. Extra keyword
    arguments that marshmallow schemas accept (`context=`, `unknown=`, ...) are
    accepted and ignored.
    """

    def __init__(self, *, many: bool = False, **_options: Any) -> None:
        self.many = many

    def dump(self, obj: Any, *, many: bool | None = None) -> Any:
        if self.many if many is None else many:
            return [self._dump(item, "") for item in obj]
        return self._dump(obj, "")

    def load(self, data: Any, *, many: bool | None = None, **_options: Any) -> Any:
        if self.many if many is None else many:
            if not isinstance(data, list):
                raise fail("_schema", f"Expected a list, got {type(data).__name__}.")
            return [self._load(item, f"[{i}]") for i, item in enumerate(data)]
        return self._load(data, "")

    def dumps(self, obj: Any, *, many: bool | None = None) -> str:
        return json.dumps(self.dump(obj, many=many))

    def loads(self, text: str | bytes, *, many: bool | None = None) -> Any:
        return self.load(json.loads(text), many=many)

    def _dump(self, obj: Any, where: str) -> Dict[str, Any]:
        raise NotImplementedError

    def _load(self, data: Any, where: str) -> Any:
        raise NotImplementedError


Builder = Callable[[Mapping[str, Any], str], Any]
