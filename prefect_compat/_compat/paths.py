"""Classes at their 0.13 import paths (`prefect.engine.executors`), as 1.x keeps them.

Each is a small subclass of the 1.x class that warns once per instantiation that it
moved (Prefect 1.x's wording and category, UserWarning), unless `compat.prefect_version`
asks for 0.13, whose own path this is. The 0.13 DaskExecutor also
takes 0.13's extra keyword arguments: `local_processes`, and anything else, which
0.13 forwarded to the Client or the LocalCluster; both warn as 0.13 did.
Deleting this module must only break the 0.13 paths (HOUSE_STYLE R13).
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

from prefect_compat._compat.era import legacy_013
from prefect_compat.executors import dask as _dask
from prefect_compat.executors import local as _local

__all__ = ["DaskExecutor", "LocalDaskExecutor", "LocalExecutor"]

MODULE = "prefect_compat.engine.executors"
_CLIENT_KWARGS = frozenset(
    {
        "asynchronous",
        "connection_limit",
        "deserializers",
        "direct_to_workers",
        "extensions",
        "heartbeat_interval",
        "name",
        "security",
        "serializers",
        "set_as_default",
        "timeout",
    }
)


def _moved(name: str) -> None:
    if legacy_013():  # 0.13's own path: 0.13 does not warn about it
        return
    warnings.warn(
        f"prefect.engine.executors.{name} has been moved to `prefect.executors.{name}`, "
        "please update your imports",
        UserWarning,
        stacklevel=3,
    )


class LocalExecutor(_local.LocalExecutor):
    """0.13 path of `prefect_compat.executors.LocalExecutor`."""

    def __init__(self) -> None:
        _moved("LocalExecutor")
        super().__init__()


class LocalDaskExecutor(_dask.LocalDaskExecutor):
    """0.13 path of `prefect_compat.executors.LocalDaskExecutor`."""

    def __init__(self, scheduler: str = "threads", **kwargs: Any) -> None:
        _moved("LocalDaskExecutor")
        super().__init__(scheduler, **kwargs)


class DaskExecutor(_dask.DaskExecutor):
    """0.13 path of `prefect_compat.executors.DaskExecutor`, with 0.13's `**kwargs`."""

    def __init__(  # noqa: PLR0913, PLR0917 - Prefect 0.13's public signature
        self,
        address: str | None = None,
        cluster_class: Any = None,
        cluster_kwargs: dict | None = None,
        adapt_kwargs: dict | None = None,
        client_kwargs: dict | None = None,
        debug: bool | None = None,
        **kwargs: Any,
    ) -> None:
        _moved("DaskExecutor")
        client_kwargs = dict(client_kwargs or {})
        processes = kwargs.pop("local_processes", None)
        if processes is not None:
            warnings.warn(
                "`local_processes` is deprecated, please use "
                "`cluster_kwargs={'processes': local_processes}`. "
                "The default is now `local_processes=True`.",
                UserWarning,
                stacklevel=2,
            )
        if address is None and (kwargs or processes is not None):
            cluster_kwargs = dict(cluster_kwargs or {})
            if processes is not None:
                cluster_kwargs.setdefault("processes", processes)
        _forward(kwargs, cluster_kwargs, client_kwargs)
        super().__init__(address, cluster_class, cluster_kwargs, adapt_kwargs, client_kwargs, debug)

    @contextmanager
    def start(self) -> Iterator[None]:
        """As 1.x's, but under 0.13 connecting or creating the cluster logs nothing (0.13
        did not name the cluster or its dashboard); warnings and errors still show."""
        logger = self.logger
        with ExitStack() as stack:
            if legacy_013():
                self.logger = _NoInfo(logger, None)  # type: ignore[assignment]  # only while starting
            try:
                stack.enter_context(super().start())
            finally:
                self.logger = logger
            yield


class _NoInfo(logging.LoggerAdapter):
    """A logger that drops INFO (and DEBUG) records and passes the rest on."""

    def info(self, msg: object, *args: Any, **kwargs: Any) -> None:
        pass

    def debug(self, msg: object, *args: Any, **kwargs: Any) -> None:
        pass


def _forward(kwargs: dict, cluster_kwargs: dict | None, client_kwargs: dict) -> None:
    for_client = {k: v for k, v in kwargs.items() if k in _CLIENT_KWARGS}
    for_cluster = {k: v for k, v in kwargs.items() if k not in _CLIENT_KWARGS}
    if for_client:
        warnings.warn(
            "Forwarding executor kwargs to `Client` is now handled by the `client_kwargs` "
            "parameter, please update accordingly",
            UserWarning,
            stacklevel=3,
        )
        client_kwargs.update(for_client)
    if for_cluster:
        if cluster_kwargs is None:
            raise TypeError(
                f"DaskExecutor got unexpected keyword arguments {sorted(for_cluster)}; with "
                "`address` set there is no cluster to forward them to."
            )
        warnings.warn(
            "Forwarding executor kwargs to `LocalCluster` is now handled by the "
            "`cluster_kwargs` parameter, please update accordingly",
            UserWarning,
            stacklevel=3,
        )
        cluster_kwargs.update(for_cluster)


for _cls in (LocalExecutor, LocalDaskExecutor, DaskExecutor):
    _cls.__module__ = MODULE
