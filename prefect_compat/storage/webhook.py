"""`Webhook` storage: flows uploaded and fetched with HTTP requests (stored, inert)."""

from __future__ import annotations

from typing import Any

from prefect_compat.storage.base import Storage

__all__ = ["Webhook"]

_METHODS = ("GET", "PATCH", "POST", "PUT")


def _method(value: str) -> str:
    if value not in _METHODS:
        from prefect_compat.utilities.logging import get_logger

        # logged as well as raised, as Prefect does
        get_logger("Webhook").critical("HTTP method %r not recognized", value)
        raise RuntimeError(
            f"HTTP method {value!r} not recognized (expected one of {', '.join(_METHODS)})"
        )
    return value


class Webhook(Storage):
    """The requests that would upload (build) and fetch (get_flow) a flow; both need a backend."""

    def __init__(  # noqa: PLR0913 - Prefect's public signature
        self,
        build_request_kwargs: dict[str, Any],
        build_request_http_method: str,
        get_flow_request_kwargs: dict[str, Any],
        get_flow_request_http_method: str,
        stored_as_script: bool = False,
        flow_script_path: str | None = None,
        **kwargs: Any,
    ) -> None:
        self.stored_as_script = stored_as_script
        self.flow_script_path = flow_script_path
        self.build_request_kwargs = build_request_kwargs
        self.build_request_http_method = _method(build_request_http_method)
        self.get_flow_request_kwargs = get_flow_request_kwargs
        self.get_flow_request_http_method = _method(get_flow_request_http_method)
        super().__init__(stored_as_script=stored_as_script, **kwargs)

    def add_flow(self, flow: Any) -> str:
        return self._record(flow, flow.name)
