"""Reading a recorded checkpoint back: the Result that reads it, and whether it still can.

`Readers(flow, LocalResult).of(task)` gives the reader for one task's checkpoints,
built from the task's Result as it is configured now (`plan._pick_result`: its own,
else the flow's, else the base Result). `read_from(data, serializer, stamp)` takes
what a journal row recorded (the serialized `_result`: type, location and the fields
that place it, such as `dir` or `bucket`; the serializer's class name; a local
file's stamp) and returns a Result at that location that has not read anything, or
a short reason why the task must run again:

  * the task's configured Result of the same type supplies the rest (credentials,
    client options, serializer); otherwise the recorded type is rebuilt
    (`serialization.result.load_result`) and the recorded serializer, a built-in one,
    is used;
  * the checkpoint must exist (`Result.exists`); a local file must also still have
    the size and modification time it had when it was recorded.
"""

from __future__ import annotations

from typing import Any

from prefect_compat._journal.values import local_path, local_stamp

__all__ = ["Reader", "Readers"]


class Readers:
    def __init__(self, flow: Any, local_type: type) -> None:
        self.flow = flow
        self.local_type = local_type

    def of(self, task: Any) -> Reader:
        from prefect_compat._engine.plan import _pick_result

        return Reader(_pick_result(task, self.flow.result), self.local_type)


class Reader:
    """Builds lazy-read Results for one task's recorded checkpoints."""

    def __init__(self, template: Any, local_type: type) -> None:
        from prefect_compat.serialization.result import dump_result

        self.template = template
        self.kind = dump_result(template)["type"]
        self.serializer = template.serializer
        self.serializer_name = type(template.serializer).__name__
        self.local_type = local_type

    def read_from(self, data: dict[str, Any], serializer: str | None, stamp: str | None) -> Any:
        """A Result at the recorded location, or the reason the task runs again."""
        reader = self._build(data)
        if isinstance(reader, str):
            return reader
        if serializer is not None and serializer != type(reader.serializer).__name__:
            found = _builtin_serializer(serializer)
            if found is None:
                return f"their serializer {serializer} is not the task's and not a built-in one"
            reader.serializer = found
        location = reader.location
        try:
            exists = bool(location) and reader.exists(location)
        except Exception as exc:  # noqa: BLE001 - storage backends raise anything here
            return f"their checkpoints cannot be checked ({exc})"
        if not exists:
            return "their checkpoints are missing"
        if stamp is not None and isinstance(reader, self.local_type):
            path = local_path(reader)
            if path is None or local_stamp(path) != stamp:
                return "their checkpoint files changed since they were recorded"
        return reader

    def _build(self, data: dict[str, Any]) -> Any:
        fields = {k: v for k, v in data.items() if k not in ("type", "__version__")}
        if data.get("type") == self.kind and self.kind not in ("NoResultType", "Result"):
            reader = self.template.copy()
            reader.__dict__.update(fields)
            return reader
        from prefect_compat.serialization.result import load_result

        try:
            reader = load_result(data)
        except Exception as exc:  # noqa: BLE001 - a row written by another version
            return f"their recorded result cannot be loaded ({exc})"
        if not hasattr(reader, "serializer"):
            return "their recorded result cannot be read back"
        return reader


def _builtin_serializer(name: str) -> Any:
    from prefect_compat.engine import serializers

    cls = getattr(serializers, name, None)
    if not isinstance(cls, type) or not issubclass(cls, serializers.Serializer):
        return None
    try:
        return cls()
    except TypeError:  # needs arguments we do not know
        return None
