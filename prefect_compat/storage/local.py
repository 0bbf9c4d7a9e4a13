"""`Local` storage: flows pickled to files on this machine, and loaded back.

`add_flow` writes the flow with cloudpickle to `<directory>/<flow-slug>/<timestamp>`
(atomically: a temp file in the same directory, then `os.replace`) and records that
path; with `stored_as_script=True` it records `path`, the flow's `.py` file, instead.
`get_flow(name)` reads the pickle, or runs the script (with `flow.run()` calls in it
suppressed, as `prefect-compat run` does) and returns the flow of that name.
`build()` returns the storage itself: the files are already written.
"""

from __future__ import annotations

import os
import socket
import tempfile
from typing import Any

from prefect_compat.storage.base import Storage, timestamped_key

__all__ = ["Local"]


def _default_directory() -> str:
    from prefect_compat import _context

    config = _context.get("config")
    home = getattr(config, "home_dir", None) or "~/.prefect"
    return os.path.join(os.path.expanduser(str(home)), "flows")


def _write_atomically(path: str, data: bytes) -> None:
    directory = os.path.dirname(path)
    os.makedirs(directory, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=directory, prefix=".flow-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.unlink(temp)
        raise


def load_flow_script(path: str, flow_name: str) -> Any:
    """Run the script at `path` without running its flows; return the flow named `flow_name`."""
    import runpy

    from prefect_compat import _context
    from prefect_compat.core.flow import Flow

    token = _context.push({"loading_flow": True})
    try:
        namespace = runpy.run_path(path, run_name="<flow storage>")
    finally:
        _context.pop(token)
    for value in namespace.values():
        if isinstance(value, Flow) and value.name == flow_name:
            return value
    raise ValueError(
        f"Flow {flow_name!r} was not found in {path!r}: the script defines no such flow."
    )


class Local(Storage):
    """Flows as files in `directory` (default `~/.prefect/flows`), for one machine."""

    def __init__(
        self,
        directory: str | None = None,
        validate: bool = True,
        path: str | None = None,
        stored_as_script: bool = False,
        **kwargs: Any,
    ) -> None:
        from prefect_compat.engine.results import LocalResult

        directory = os.path.abspath(os.path.expanduser(directory or _default_directory()))
        self.path = path
        self.directory = directory
        super().__init__(
            result=LocalResult(directory, validate_dir=validate),
            stored_as_script=stored_as_script,
            **kwargs,
        )

    @property
    def default_labels(self) -> list[str]:
        """The host name: a backend's local agent only runs flows stored on its machine
        ([] with `add_default_labels=False`, as in Prefect)."""
        return [socket.gethostname()] if self.add_default_labels else []

    def _location_for(self, flow: Any) -> str:
        return os.path.join(self.directory, timestamped_key(flow))

    def add_flow(self, flow: Any) -> str:
        if flow.name in self.flows:
            return self._record(flow, "")  # raises the name-conflict error
        if self.stored_as_script:
            if not self.path:
                raise ValueError(
                    "A `path` must be provided to show where flow `.py` file is stored. "
                    "(Local(stored_as_script=True, path='flows/my_flow.py'))"
                )
            return self._record(flow, self.path)
        import cloudpickle

        location = self._location_for(flow)
        _write_atomically(location, cloudpickle.dumps(flow))
        return self._record(flow, location)

    def get_flow(self, flow_name: str) -> Any:
        """The flow added under `flow_name` (or stored at that location), read from disk."""
        location = self._location(flow_name)
        if self.stored_as_script:
            name = flow_name if flow_name in self.flows else self._name_at(location)
            return load_flow_script(location, name)
        import cloudpickle

        with open(location, "rb") as handle:
            return cloudpickle.load(handle)

    def _name_at(self, location: str) -> str:
        return next(name for name, where in self.flows.items() if where == location)

    def build(self) -> Storage:
        return self
