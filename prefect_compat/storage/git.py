"""`Git` storage: a flow file in any git repository (stored; get_flow needs a backend)."""

from __future__ import annotations

from typing import Any

from prefect_compat.storage.base import _GitHosted

__all__ = ["Git"]


def _secret(name: str) -> Any:
    """The local secret `name` (ValueError naming it when it is not set)."""
    from prefect_compat.client.secrets import Secret

    return Secret(name).get()


class Git(_GitHosted):
    """Repository, host, branch/tag/commit and flow path of a flow script in git."""

    def __init__(  # noqa: PLR0913, PLR0917 - Prefect's public signature
        self,
        flow_path: str,
        repo: str | None = None,
        repo_host: str = "github.com",
        flow_name: str | None = None,
        git_token_secret_name: str | None = None,
        git_token_username: str | None = None,
        git_clone_url_secret_name: str | None = None,
        branch_name: str | None = None,
        tag: str | None = None,
        commit: str | None = None,
        clone_depth: int = 1,
        use_ssh: bool = False,
        format_access_token: bool = True,
        **kwargs: Any,
    ) -> None:
        if repo is None and git_clone_url_secret_name is None:
            raise ValueError("Either `repo` or `git_clone_url_secret_name` must be provided")
        if sum(ref is not None for ref in (branch_name, tag, commit)) > 1:
            raise ValueError(
                "Please provide only one of the following parameters: `branch_name`, `tag`, "
                "`commit`"
            )
        self.flow_path = flow_path
        self.repo = repo
        self.repo_host = repo_host
        self.flow_name = flow_name
        self.git_token_secret_name = git_token_secret_name
        self.git_clone_url_secret_name = git_clone_url_secret_name
        if git_token_username is None and repo and not git_clone_url_secret_name:
            git_token_username = repo.split("/")[0]
        self.git_token_username = git_token_username
        self.branch_name = branch_name
        self.tag = tag
        self.commit = commit
        self.clone_depth = clone_depth
        self.use_ssh = use_ssh
        self.format_access_token = format_access_token
        super().__init__(**kwargs)
        self._warn_ignored_arguments()

    def _warn_ignored_arguments(self) -> None:
        """Say at construction which arguments the clone will not use (as Prefect)."""
        if self.git_clone_url_secret_name:
            self.logger.warning(
                "Git storage initialized with a `git_clone_url_secret_name`. The value of "
                "this Secret will be used to clone the repository, ignoring `repo`, "
                "`repo_host`, `git_token_secret_name`,  `git_token_username`, `use_ssh`, "
                "and `format_access_token`."
            )
        elif self.use_ssh and self.git_token_secret_name:
            self.logger.warning(
                "Git Storage initialized with `use_ssh = True` and `git_token_secret_name` "
                "provided. SSH will be used to clone the repository. `git_token_secret_name` "
                "will be ignored"
            )

    @property
    def path(self) -> str:  # type: ignore[override]
        return self.flow_path

    @property
    def git_token_secret(self) -> str:
        """The credentials part of an https clone URL: `<username>:<token>` from the
        secret `git_token_secret_name` (just the token when `format_access_token` is
        False); '' without a secret name. A missing secret is a ValueError naming it."""
        if not self.git_token_secret_name:
            return ""
        token = _secret(self.git_token_secret_name)
        if self.format_access_token:
            return f"{self.git_token_username}:{token}"
        return str(token)

    @property
    def git_clone_url(self) -> str:
        """The URL a clone would use (from its own secret, or built from repo and host)."""
        if self.git_clone_url_secret_name:
            return str(_secret(self.git_clone_url_secret_name))
        if self.use_ssh:
            return f"git@{self.repo_host}:{self.repo}.git"
        return f"https://{self.git_token_secret}@{self.repo_host}/{self.repo}.git"
