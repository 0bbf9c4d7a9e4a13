"""0.13's `Docker` storage (0.13 has no `dockerignore`, so later arguments shift by one)."""

from __future__ import annotations

from typing import Any

from prefect_compat.environments.storage.base import Legacy013
from prefect_compat.storage import docker as _docker
from prefect_compat.storage.docker import multiline_indent

__all__ = ["Docker", "multiline_indent"]


class Docker(Legacy013, _docker.Docker):
    """0.13 path of `prefect.storage.Docker`."""

    def __init__(  # noqa: PLR0913, PLR0917 - Prefect 0.13's public signature
        self,
        registry_url: str | None = None,
        base_image: str | None = None,
        dockerfile: str | None = None,
        python_dependencies: list[str] | None = None,
        image_name: str | None = None,
        image_tag: str | None = None,
        env_vars: dict | None = None,
        files: dict | None = None,
        prefect_version: str | None = None,
        local_image: bool = False,
        ignore_healthchecks: bool = False,
        base_url: str | None = None,
        tls_config: Any = False,
        build_kwargs: dict | None = None,
        prefect_directory: str = "/opt/prefect",
        path: str | None = None,
        stored_as_script: bool = False,
        extra_dockerfile_commands: list[str] | None = None,
        **kwargs: Any,
    ) -> None:
        given = {k: v for k, v in locals().items() if k not in ("self", "kwargs", "__class__")}
        super().__init__(**given, **kwargs)
