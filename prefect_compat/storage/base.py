"""`Storage`: where a backend would keep a flow for its agents (`flow.storage`).

prefect-compat runs flows without a backend, so storage objects are accepted with
Prefect's arguments and attributes and mostly stay inert:
- `add_flow(flow)` records where the flow would live (`storage.flows[name]`), as in
  Prefect, and keeps the flow object; a second flow with the same name is a ValueError;
- `Local` really writes the flow (cloudpickle) and loads it back, and `Module` imports
  it from its module: both work on one machine;
- the other classes raise `NoBackendError` where they would upload (`build()`) or
  download (`get_flow()`); the git-hosted ones build to themselves, as in Prefect.

Constructing any of them imports nothing heavy (no boto3, google, azure or docker).
`serialize()` gives a plain dict of the public attributes plus `type` and `__version__`
(prefect-compat's).
"""

from __future__ import annotations

import abc
import logging
import re
import unicodedata
from datetime import datetime, timezone
from typing import Any

__all__ = ["Storage"]


def slugify(text: str) -> str:
    """Lower-case ASCII words joined by '-': "My Flow!" -> "my-flow" (as Prefect names keys)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def timestamped_key(flow: Any) -> str:
    """`<flow-slug>/<utc-timestamp-slug>`: where Prefect's object stores put a pickled flow."""
    return f"{slugify(flow.name)}/{slugify(datetime.now(timezone.utc).isoformat())}"


def _default_add_labels() -> bool:
    from prefect_compat import _context

    config = _context.get("config")
    try:
        return bool(config.flows.defaults.storage.add_default_labels)
    except (AttributeError, KeyError):
        return True


class Storage(abc.ABC):
    """Base class of flow storage: the flows it holds, secrets, labels, result."""

    def __init__(  # noqa: PLR0913 - Prefect's public signature
        self,
        result: Any = None,
        secrets: list[str] | None = None,
        labels: list[str] | None = None,
        add_default_labels: bool | None = None,
        stored_as_script: bool = False,
    ) -> None:
        self.result = result
        self.secrets = secrets or []
        self.stored_as_script = stored_as_script
        self.flows: dict[str, str] = {}
        self._flows: dict[str, Any] = {}
        self._labels = list(labels or [])
        self.add_default_labels = (
            _default_add_labels() if add_default_labels is None else add_default_labels
        )

    def __repr__(self) -> str:
        return f"<Storage: {type(self).__name__}>"

    def __contains__(self, obj: Any) -> bool:
        """True for the name of a flow added to this storage."""
        return isinstance(obj, str) and obj in self.flows

    @property
    def name(self) -> str:
        return type(self).__name__

    @property
    def logger(self) -> logging.Logger:
        from prefect_compat.utilities.logging import get_logger

        return get_logger(type(self).__name__)

    @property
    def default_labels(self) -> list[str]:
        """Labels a backend agent would need to pick up flows from this storage."""
        return []

    @property
    def labels(self) -> list[str]:
        if self.add_default_labels:
            return self._labels + self.default_labels
        return list(self._labels)

    @abc.abstractmethod
    def add_flow(self, flow: Any) -> str:
        """Record `flow` in this storage; returns its location."""

    def _record(self, flow: Any, location: str) -> str:
        if flow.name in self.flows:
            raise ValueError(
                f'Name conflict: Flow with the name "{flow.name}" is already present in '
                "this storage."
            )
        self.flows[flow.name] = location
        self._flows[flow.name] = flow
        return location

    def _location(self, flow_name: str | None) -> str:
        """The recorded location for a flow name (or a recorded location itself)."""
        if flow_name in self.flows:
            return self.flows[flow_name]  # type: ignore[index]
        if flow_name is not None and flow_name in self.flows.values():
            return flow_name
        raise ValueError(
            "Flow is not contained in this Storage"
            f" (asked for {flow_name!r}; it holds {sorted(self.flows)}). Add it with "
            "storage.add_flow(flow) first."
        )

    def get_flow(self, flow_name: str) -> Any:
        """Load a flow added to this storage (here: needs a backend, so it raises)."""
        self._location(flow_name)
        from prefect_compat.exceptions import no_backend

        raise no_backend(f"Loading flow {flow_name!r} from {self.name} storage")

    def build(self) -> Storage:
        """Upload the added flows (here: needs a backend, so it raises)."""
        from prefect_compat.exceptions import no_backend

        raise no_backend(f"Building (uploading) {self.name} storage")

    def run_basic_healthchecks(self) -> None:  # noqa: B027 - optional hook, as in Prefect
        """Nothing to check locally."""

    def serialize(self) -> dict:
        """A plain dict of the public attributes, plus the class name and our version."""
        from prefect_compat import __version__

        data = {k: v for k, v in vars(self).items() if not k.startswith("_")}
        data.pop("result", None)
        data.pop("add_default_labels", None)
        data["flows"] = dict(self.flows)
        data["__version__"] = __version__
        data["type"] = type(self).__name__
        return data


class _GitHosted(Storage):
    """Storage for a flow file kept in a git repository: `build()` has nothing to upload."""

    path: Any

    def add_flow(self, flow: Any) -> str:
        return self._record(flow, self.path)

    def build(self) -> Storage:
        return self
