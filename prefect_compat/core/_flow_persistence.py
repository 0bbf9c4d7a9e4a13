"""A Flow written out: `serialize()`, `serialized_hash()`, `save()` and `Flow.load()`.

`serialize` is `FlowSchema().dump(flow)` after `flow.validate()`; with `build=True`
the flow is first added to its storage and the storage built (remote storages need
a backend, so their `build` raises `NoBackendError`). `save` pickles the flow with
cloudpickle to a file, atomically, by default `<home_dir>/flows/<flow-slug>.prefect`
(Prefect's path); `load` reads such a file back.
"""

from __future__ import annotations

import hashlib
import json
import os
from typing import Any

__all__ = ["load", "save", "serialize", "serialized_hash"]


def serialize(flow: Any, build: bool) -> dict[str, Any]:
    """`flow.serialize(build)`."""
    from prefect_compat.serialization.flow import FlowSchema

    flow.validate()
    if build:
        storage = flow.storage
        if storage is None:
            raise ValueError(
                f"This flow has no storage to build: give Flow {flow.name!r} a storage "
                "(Flow(..., storage=Local())) or call serialize() without build=True."
            )
        if flow.name not in storage:
            storage.add_flow(flow)
        storage.build()
    return FlowSchema().dump(flow)  # type: ignore[no-any-return]


def serialized_hash(flow: Any, build: bool) -> str:
    """SHA-256 of the serialized flow as sorted-key JSON: equal graphs, equal hashes."""
    text = json.dumps(serialize(flow, build), sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def save(flow: Any, fpath: str | None) -> str:
    """Pickle `flow` to `fpath` (default `<home_dir>/flows/<flow-slug>.prefect`)."""
    from prefect_compat import _pickling
    from prefect_compat.storage.base import slugify
    from prefect_compat.storage.local import _default_directory, _write_atomically

    path = fpath or os.path.join(_default_directory(), f"{slugify(flow.name)}.prefect")
    path = os.path.abspath(os.path.expanduser(path))
    _write_atomically(path, _pickling.library().dumps(flow))
    return path


def load(fpath: str) -> Any:
    """The Flow pickled in the file at `fpath`."""
    from prefect_compat import _pickling

    with open(os.path.expanduser(fpath), "rb") as handle:
        flow = _pickling.library().load(handle)
    from prefect_compat.core.flow import Flow

    if not isinstance(flow, Flow):
        raise TypeError(f"{fpath!r} holds a {type(flow).__name__}, not a pickled Flow.")
    return flow
