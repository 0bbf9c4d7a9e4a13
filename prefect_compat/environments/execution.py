"""0.13's execution environments (`prefect.environments`), kept for old scripts.

An environment told a backend agent how to run a flow (`Flow(environment=...)`;
1.x replaced them with run configs). Here they are stored with 0.13's arguments and
attributes and are inert, except where 0.13 itself ran the flow in-process:
`LocalEnvironment.execute(flow)` and `RemoteEnvironment.execute(flow)` run the flow
with their executor (with `on_start`/`on_exit` around it), as 0.13 did. The
Kubernetes, Fargate and Dask-cloud environments raise `NoBackendError` from
`execute`. Nothing heavy is imported; a Kubernetes spec file is not read.

This whole package is 0.13 legacy (HOUSE_STYLE R13): deleting it only breaks
`prefect.environments`.
"""

from __future__ import annotations

import importlib
import logging
import uuid
import warnings
from collections.abc import Callable, Iterable
from typing import Any

__all__ = [
    "DaskCloudProviderEnvironment",
    "DaskKubernetesEnvironment",
    "Environment",
    "FargateTaskEnvironment",
    "KubernetesJobEnvironment",
    "LocalEnvironment",
    "RemoteDaskEnvironment",
    "RemoteEnvironment",
]

_RUN_TASK_KEYS = frozenset(
    {
        "capacityProviderStrategy",
        "cluster",
        "count",
        "enableECSManagedTags",
        "group",
        "launchType",
        "networkConfiguration",
        "overrides",
        "placementConstraints",
        "placementStrategy",
        "platformVersion",
        "propagateTags",
        "referenceId",
        "startedBy",
        "tags",
    }
)


def _default_executor() -> Any:
    from prefect_compat.engine import get_default_executor_class

    return get_default_executor_class()()


def _executor_or_default(executor: Any) -> Any:
    """`executor`, or the configured default for None; anything else is refused (0.13)."""
    from prefect_compat.executors.base import Executor

    if executor is None:
        return _default_executor()
    if not isinstance(executor, Executor):
        raise TypeError(f"`executor` must be an `Executor` or `None`, got `{executor}`")
    return executor


def _default_executor_path() -> str:
    from prefect_compat.configuration import config

    value = config.engine.executor.default_class
    return value if isinstance(value, str) else f"{value.__module__}.{value.__qualname__}"


def _resolve(dotted: str) -> Any:
    if dotted.startswith("prefect."):
        dotted = "prefect_compat." + dotted[len("prefect.") :]
    module, _, name = dotted.rpartition(".")
    return getattr(importlib.import_module(module), name)


class Environment:
    """Base class: agent labels, start/exit callbacks and metadata."""

    _serialized: tuple[str, ...] = ()
    _dependencies: tuple[str, ...] = ()

    def __init__(
        self,
        labels: Iterable[str] | None = None,
        on_start: Callable | None = None,
        on_exit: Callable | None = None,
        metadata: dict | None = None,
    ) -> None:
        self.labels = set(labels) if labels else set()
        self.on_start = on_start
        self.on_exit = on_exit
        self.metadata = metadata or {}
        self.logger = logging.getLogger(f"prefect.{type(self).__name__}")

    def __repr__(self) -> str:
        return f"<Environment: {type(self).__name__}>"

    @property
    def dependencies(self) -> list[str]:
        """Python packages the environment needs where it runs."""
        return list(self._dependencies)

    def setup(self, flow: Any) -> None:
        """Prepare infrastructure for `flow` (nothing to prepare locally)."""

    def execute(self, flow: Any) -> None:
        """Run `flow` in this environment: needs a backend, so it raises."""
        from prefect_compat.exceptions import no_backend

        raise no_backend(f"{type(self).__name__}.execute()")

    def _run_here(self, flow: Any, executor: Any) -> None:
        if self.on_start:
            self.on_start()
        try:
            flow.run(executor=executor, run_on_schedule=False)
        finally:
            if self.on_exit:
                self.on_exit()

    def serialize(self) -> dict:
        """A plain dict like 0.13's: labels, metadata, a few fields, type and the version
        of the Prefect release `compat.prefect_version` picks (0.13.19 or 1.4.1)."""
        from prefect_compat.serialization._schema import format_version

        data: dict[str, Any] = {"labels": sorted(self.labels), "metadata": self.metadata}
        data.update({name: getattr(self, name) for name in self._serialized})
        data["__version__"] = format_version()
        data["type"] = type(self).__name__
        return data


class LocalEnvironment(Environment):
    """Run the flow in the agent's process with `executor`; `execute` does that here."""

    def __init__(  # noqa: PLR0913 - Prefect 0.13's public signature
        self,
        executor: Any = None,
        labels: Iterable[str] | None = None,
        on_start: Callable | None = None,
        on_exit: Callable | None = None,
        metadata: dict | None = None,
    ) -> None:
        self.executor = _executor_or_default(executor)
        super().__init__(labels=labels, on_start=on_start, on_exit=on_exit, metadata=metadata)

    def execute(self, flow: Any) -> None:
        """Run `flow` now, in this process, with this environment's executor."""
        self._run_here(flow, self.executor)


class RemoteEnvironment(Environment):
    """An executor named by import path, with its keyword arguments (deprecated in 0.13)."""

    _serialized: tuple[str, ...] = ("executor", "executor_kwargs")

    def __init__(  # noqa: PLR0913 - Prefect 0.13's public signature
        self,
        executor: str | None = None,
        executor_kwargs: dict | None = None,
        labels: list[str] | None = None,
        on_start: Callable | None = None,
        on_exit: Callable | None = None,
        metadata: dict | None = None,
    ) -> None:
        if type(self) is RemoteEnvironment:
            warnings.warn(
                "`RemoteEnvironment` is deprecated, please use `LocalEnvironment` instead.",
                UserWarning,
                stacklevel=2,
            )
        self.executor = executor or _default_executor_path()
        self.executor_kwargs = executor_kwargs or {}
        super().__init__(labels=labels, on_start=on_start, on_exit=on_exit, metadata=metadata)

    def execute(self, flow: Any, **kwargs: Any) -> None:
        """Build the named executor and run `flow` now, in this process."""
        executor = _resolve(self.executor)(**self.executor_kwargs)
        self._run_here(flow, executor)


class RemoteDaskEnvironment(RemoteEnvironment):
    """A DaskExecutor on the cluster at `address` (deprecated in 0.13)."""

    _serialized: tuple[str, ...] = ("address",)

    def __init__(  # noqa: PLR0913, PLR0917 - Prefect 0.13's public signature
        self,
        address: str,
        security: Any = None,
        executor_kwargs: dict | None = None,
        labels: list[str] | None = None,
        on_start: Callable | None = None,
        on_exit: Callable | None = None,
        metadata: dict | None = None,
    ) -> None:
        if type(self) is RemoteDaskEnvironment:
            warnings.warn(
                "`RemoteDaskEnvironment` is deprecated, please use `LocalEnvironment` with a "
                "`DaskExecutor` instead.",
                UserWarning,
                stacklevel=2,
            )
        self.address = address
        dask_kwargs = {**(executor_kwargs or {}), "address": address}
        if security is not None:
            dask_kwargs["client_kwargs"] = {"security": security}
        super().__init__(
            executor="prefect.executors.DaskExecutor",
            executor_kwargs=dask_kwargs,
            labels=labels,
            on_start=on_start,
            on_exit=on_exit,
            metadata=metadata,
        )


class DaskCloudProviderEnvironment(RemoteDaskEnvironment):
    """A Dask cluster created by dask-cloudprovider per run (needs a backend here)."""

    _serialized: tuple[str, ...] = ()
    _dependencies = ("dask_cloudprovider",)

    def __init__(  # noqa: PLR0913, PLR0917 - Prefect 0.13's public signature
        self,
        provider_class: type,
        adaptive_min_workers: int | None = None,
        adaptive_max_workers: int | None = None,
        security: Any = None,
        executor_kwargs: dict | None = None,
        labels: list[str] | None = None,
        on_execute: Callable | None = None,
        on_start: Callable | None = None,
        on_exit: Callable | None = None,
        metadata: dict | None = None,
        **kwargs: Any,
    ) -> None:
        self._provider_class = provider_class
        self._adaptive_min_workers = adaptive_min_workers
        self._adaptive_max_workers = adaptive_max_workers
        self._on_execute = on_execute
        # 0.13 keeps the provider's cloud resources unless told otherwise
        self._provider_kwargs = {**kwargs, "skip_cleanup": kwargs.get("skip_cleanup", True)}
        self._security = security
        self.cluster = None
        super().__init__(
            address="",
            security=security,
            executor_kwargs=executor_kwargs,
            labels=labels,
            on_start=on_start,
            on_exit=on_exit,
            metadata=metadata,
        )

    def execute(self, flow: Any, **kwargs: Any) -> None:
        Environment.execute(self, flow)


class DaskKubernetesEnvironment(Environment):
    """A Dask cluster on Kubernetes per run (needs a backend here)."""

    _serialized = ("min_workers", "private_registry", "max_workers", "docker_secret")
    _dependencies = ("kubernetes",)

    def __init__(  # noqa: PLR0913, PLR0917 - Prefect 0.13's public signature
        self,
        min_workers: int = 1,
        max_workers: int = 2,
        work_stealing: bool = True,
        scheduler_logs: bool = False,
        private_registry: bool = False,
        docker_secret: str | None = None,
        labels: list[str] | None = None,
        on_start: Callable | None = None,
        on_exit: Callable | None = None,
        metadata: dict | None = None,
        scheduler_spec_file: str | None = None,
        worker_spec_file: str | None = None,
        image_pull_secret: str | None = None,
        log_k8s_errors: bool = False,
    ) -> None:
        self.min_workers = min_workers
        self.max_workers = max_workers
        self.work_stealing = work_stealing
        self.scheduler_logs = scheduler_logs
        self.private_registry = private_registry
        self.docker_secret = docker_secret
        self.scheduler_spec_file = scheduler_spec_file
        self.worker_spec_file = worker_spec_file
        self.image_pull_secret = image_pull_secret
        self.log_k8s_errors = log_k8s_errors
        self._identifier_label = ""
        super().__init__(labels=labels, on_start=on_start, on_exit=on_exit, metadata=metadata)

    @property
    def identifier_label(self) -> str:
        """A label unique to this environment's Kubernetes resources."""
        if not self._identifier_label:
            self._identifier_label = str(uuid.uuid4())
        return self._identifier_label

    def run(self, flow: Any) -> None:
        Environment.execute(self, flow)


class FargateTaskEnvironment(Environment):
    """An AWS Fargate task per run (needs a backend here; no boto3 import)."""

    _dependencies = ("boto3", "botocore")

    def __init__(  # noqa: PLR0913, PLR0917 - Prefect 0.13's public signature
        self,
        launch_type: str = "FARGATE",
        aws_access_key_id: str | None = None,
        aws_secret_access_key: str | None = None,
        aws_session_token: str | None = None,
        region_name: str | None = None,
        executor: Any = None,
        executor_kwargs: dict | None = None,
        labels: list[str] | None = None,
        on_start: Callable | None = None,
        on_exit: Callable | None = None,
        metadata: dict | None = None,
        **kwargs: Any,
    ) -> None:
        self.launch_type = launch_type
        self.aws_access_key_id = aws_access_key_id
        self.aws_secret_access_key = aws_secret_access_key
        self.aws_session_token = aws_session_token
        self.region_name = region_name
        self.task_definition_kwargs = {k: v for k, v in kwargs.items() if k not in _RUN_TASK_KEYS}
        self.task_run_kwargs = {k: v for k, v in kwargs.items() if k in _RUN_TASK_KEYS}
        self.executor = _executor_or_default(executor)
        self.executor_kwargs = executor_kwargs or {}
        super().__init__(labels=labels, on_start=on_start, on_exit=on_exit, metadata=metadata)


class KubernetesJobEnvironment(Environment):
    """A Kubernetes job per run (needs a backend here; the spec file is not read)."""

    _dependencies = ("kubernetes",)

    def __init__(  # noqa: PLR0913, PLR0917 - Prefect 0.13's public signature
        self,
        job_spec_file: str | None = None,
        unique_job_name: bool = False,
        executor: Any = None,
        executor_kwargs: dict | None = None,
        labels: list[str] | None = None,
        on_start: Callable | None = None,
        on_exit: Callable | None = None,
        metadata: dict | None = None,
    ) -> None:
        self.job_spec_file = job_spec_file
        self.unique_job_name = unique_job_name
        self.executor = _executor_or_default(executor)
        self.executor_kwargs = executor_kwargs or {}
        self._identifier_label = ""
        super().__init__(labels=labels, on_start=on_start, on_exit=on_exit, metadata=metadata)

    @property
    def identifier_label(self) -> str:
        """A label unique to this environment's Kubernetes job."""
        if not self._identifier_label:
            self._identifier_label = str(uuid.uuid4())
        return self._identifier_label
