"""What the journal stores for a value: parameters, and where a result was checkpointed.

Parameters are stored so a resumed run can default to them: each one as JSON when it
comes back from JSON unchanged, otherwise pickled (base64), always with its repr for
display. A pickled one that cannot be loaded any more (its class is gone) is reported
by name when a resume needs it.

`checkpoint_of(result)` is what a task run's row says about its result: the
`_result` entry of the state serialization (result type and location, never the
value; `serialization/result.py`), the serializer's class name, and for a local file
its size and modification time, so a file rewritten since no longer matches.
`CheckpointEncoder` gives the same answers for a whole batch: the children of a
mapped task share everything but the location, so their JSON is built once per
(dir, serializer) and only the location is encoded per result.
"""

from __future__ import annotations

import base64
import json
import os
import pickle
from json.encoder import encode_basestring_ascii  # type: ignore[attr-defined]
from typing import Any

__all__ = [
    "CheckpointEncoder",
    "UnloadableParameter",
    "changed_parameters",
    "checkpoint_of",
    "decode_parameters",
    "encode_parameters",
    "local_path",
    "local_stamp",
    "spliced",
]


class UnloadableParameter(ValueError):
    """A recorded parameter value that cannot be loaded back."""


def _as_json(value: Any) -> str | None:
    try:
        text = json.dumps(value)
    except (TypeError, ValueError):
        return None
    back = json.loads(text)
    return text if back == value and type(back) is type(value) else None


def encode_parameters(parameters: dict[str, Any]) -> str:
    out: dict[str, Any] = {}
    for name, value in parameters.items():
        text = _as_json(value)
        if text is not None:
            out[name] = {"json": value}
            continue
        entry: dict[str, Any] = {"repr": _short_repr(value)}
        try:
            entry["pickle"] = base64.b64encode(pickle.dumps(value)).decode()
        except Exception as exc:  # noqa: BLE001 - pickling a user's object raises anything
            entry["error"] = f"not stored: {exc!r}"
        out[name] = entry
    return json.dumps(out)


def _short_repr(value: Any) -> str:
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 - a user's __repr__
        text = f"<{type(value).__name__}>"
    return text if len(text) <= 200 else text[:197] + "..."


def decode_parameters(text: str | None, load: bool = True, skip: Any = ()) -> dict[str, Any]:
    """The stored parameters but those in `skip`; with `load=False`, pickled ones as
    their repr (display)."""
    if not text:
        return {}
    out: dict[str, Any] = {}
    for name, entry in json.loads(text).items():
        if name in skip:
            continue
        if "json" in entry:
            out[name] = entry["json"]
        elif not load:
            out[name] = _Shown(entry.get("repr", "?"))
        else:
            out[name] = _unpickle(name, entry)
    return out


def _unpickle(name: str, entry: dict[str, Any]) -> Any:
    if "pickle" not in entry:
        raise UnloadableParameter(f"parameter {name!r} was not recorded: {entry['error']}")
    try:
        return pickle.loads(base64.b64decode(entry["pickle"]))  # noqa: S301
    except Exception as exc:  # noqa: BLE001 - unpickling a user's class raises anything
        raise UnloadableParameter(
            f"parameter {name!r} ({entry.get('repr')}) cannot be loaded: {exc!r}"
        ) from exc


def changed_parameters(text: str | None, given: dict[str, Any]) -> set[str]:
    """The names in `given` whose value differs from the recorded one (or has none)."""
    recorded = json.loads(text) if text else {}
    changed = set()
    for name, value in given.items():
        entry = recorded.get(name)
        try:
            same = (
                entry is not None
                and (entry["json"] if "json" in entry else _unpickle(name, entry)) == value
            )
        except Exception:  # noqa: BLE001 - unloadable or uncomparable: treat as changed
            same = False
        if not same:
            changed.add(name)
    return changed


class _Shown(str):
    """A stored value shown by its repr."""

    def __repr__(self) -> str:
        return str(self)


def local_stamp(path: str) -> str | None:
    """`size:mtime_ns` of a local file, or None when there is none."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return f"{st.st_size}:{st.st_mtime_ns}"


def local_path(result: Any) -> str | None:
    """The file a LocalResult's location names (absolute, or under its dir)."""
    location = result.location
    if not isinstance(location, str):
        return None
    return location if os.path.isabs(location) else os.path.join(result.dir, location)


def checkpoint_of(result: Any, local_type: type) -> tuple[str | None, str | None, str | None]:
    """(result JSON, serializer name, local stamp) for a result with a location."""
    from prefect_compat.serialization.result import dump_result

    try:
        text = json.dumps(dump_result(result))
    except Exception:  # noqa: BLE001 - a custom Result whose fields do not serialize
        return None, None, None
    serializer = getattr(result, "serializer", None)
    name = type(serializer).__name__ if serializer is not None else None
    stamp = None
    if isinstance(result, local_type):
        path = local_path(result)
        stamp = local_stamp(path) if path is not None else None
    return text, name, stamp


_MARK = "\x00location\x00"


class _NoStamp:
    """A type no result is an instance of."""


class CheckpointEncoder:
    """`checkpoint_of` for the results of one journal batch (same output, less work).

    A LocalResult's JSON differs between the children of one mapped task only in its
    location, a file in the Result's dir: the text around it (the "shape": `[head, tail,
    serializer name, dir prefix]`) is rendered once per (dir, serializer class), and
    each result contributes only its file name (`parts`); `spliced` puts the location
    back, encoded as `json.dumps` would encode it. Any other result goes through
    `checkpoint_of`.
    """

    def __init__(self, local_type: type) -> None:
        self.local_type = local_type
        self.shapes: dict[tuple[Any, type], list[Any] | None] = {}
        self._last: tuple[Any, type, list[Any] | None] = (None, type(None), None)

    def parts(self, result: Any) -> tuple[list[Any], str, str | None] | None:
        """(shape, file name under the shape's prefix, stamp) of a LocalResult written
        to a file in its dir, else None."""
        location, kind = result.location, type(result)
        if kind is not self.local_type or type(location) is not str:
            return None
        directory, serializer = result.dir, type(result.serializer)
        last_dir, last_type, shape = self._last
        if directory is not last_dir or serializer is not last_type:
            key = (directory, serializer)
            if key not in self.shapes:
                self.shapes[key] = self._shape(result)
            shape = self.shapes[key]
            self._last = (directory, serializer, shape)
        if shape is None or not location.startswith(shape[3]):
            return None
        written = result.__dict__.get("_written")  # (path, stamp) noted by the write
        stamp = written[1] if written is not None and written[0] is location else None
        if stamp is None:
            stamp = local_stamp(location)
        return shape, location[len(shape[3]) :], stamp

    def __call__(self, result: Any) -> tuple[str | None, str | None, str | None]:
        found = self.parts(result)
        if found is None:
            return checkpoint_of(result, self.local_type)
        shape, name, stamp = found
        return spliced(shape, name), shape[2], stamp

    def _shape(self, result: Any) -> list[Any] | None:
        marked = result.copy()
        marked.location = _MARK
        text, name, _ = checkpoint_of(marked, _NoStamp)  # the marker is not a file
        if text is None or not isinstance(result.dir, str):  # fields that do not serialize
            return None
        head, _, tail = text.partition(encode_basestring_ascii(_MARK))
        return [head, tail, name, os.path.join(result.dir, "")]


def spliced(shape: list[Any], name: str) -> str:
    """The result JSON of `shape` (see CheckpointEncoder) with the location of file
    `name` in place."""
    prefix = shape[3] if len(shape) > 3 else ""
    return shape[0] + encode_basestring_ascii(prefix + name) + shape[1]
