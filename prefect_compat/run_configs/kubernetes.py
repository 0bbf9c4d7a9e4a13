"""`KubernetesRun`: run as a Kubernetes job started by an agent (stored, inert).

Unlike Prefect, a local `job_template_path` is not read and a YAML `job_template`
string is not parsed: nothing here ever submits the job (docs/compat-notes.md).
"""

from __future__ import annotations

from collections.abc import Iterable

from prefect_compat.run_configs.base import RunConfig, _text

__all__ = ["KubernetesRun"]

_PULL_POLICIES = ("Always", "IfNotPresent", "Never")


class KubernetesRun(RunConfig):
    """Job template, image, resources and service account for a Kubernetes agent."""

    def __init__(  # noqa: PLR0913 - Prefect's public signature
        self,
        *,
        job_template_path: str | None = None,
        job_template: str | dict | None = None,
        image: str | None = None,
        env: dict | None = None,
        cpu_limit: float | str | None = None,
        cpu_request: float | str | None = None,
        memory_limit: str | None = None,
        memory_request: str | None = None,
        service_account_name: str | None = None,
        image_pull_secrets: Iterable[str] | None = None,
        labels: Iterable[str] | None = None,
        image_pull_policy: str | None = None,
    ) -> None:
        if job_template_path is not None and job_template is not None:
            raise ValueError("Cannot provide both `job_template_path` and `job_template`")
        if image_pull_policy is not None and image_pull_policy not in _PULL_POLICIES:
            raise ValueError(
                f"Invalid image_pull_policy {image_pull_policy!r}.  Expected 'Always', "
                "'IfNotPresent', or 'Never'"
            )
        super().__init__(env=env, labels=labels)
        self.job_template_path = job_template_path
        self.job_template = job_template
        self.image = image
        self.cpu_limit = _text(cpu_limit)
        self.cpu_request = _text(cpu_request)
        self.memory_limit = memory_limit
        self.memory_request = memory_request
        self.service_account_name = service_account_name
        self.image_pull_secrets = list(image_pull_secrets) if image_pull_secrets else None
        self.image_pull_policy = image_pull_policy
