"""Deployment objects checked against Prefect 1.4.1: Git storage credentials, clone
URLs and the construction-time warnings about arguments a clone ignores."""

from __future__ import annotations

import logging

import pytest

import prefect_compat
from prefect_compat import storage as st

SECRETS = {"TOKEN": "tok", "URL": "https://user@example.com/r.git"}


@pytest.mark.parametrize(
    ("kwargs", "url"),
    [
        ({}, "https://o:tok@github.com/o/r.git"),
        ({"git_token_username": "u"}, "https://u:tok@github.com/o/r.git"),
        ({"format_access_token": False}, "https://tok@github.com/o/r.git"),
        ({"repo_host": "gitlab.com"}, "https://o:tok@gitlab.com/o/r.git"),
    ],
)
def test_git_clone_url_carries_username_and_token(kwargs, url):
    with prefect_compat.context(secrets=SECRETS):
        git = st.Git(flow_path="f.py", repo="o/r", git_token_secret_name="TOKEN", **kwargs)
        assert git.git_clone_url == url


def test_git_missing_secrets_are_value_errors_naming_them():
    with prefect_compat.context(secrets={}):
        token = st.Git(flow_path="f.py", repo="o/r", git_token_secret_name="TOKEN")
        with pytest.raises(ValueError, match='^Local Secret "TOKEN" was not found'):
            _ = token.git_clone_url
        url = st.Git(flow_path="f.py", git_clone_url_secret_name="NOPE")
        with pytest.raises(ValueError, match='^Local Secret "NOPE" was not found'):
            _ = url.git_clone_url
        assert st.Git(flow_path="f.py", repo="o/r").git_token_secret == ""


def test_git_clone_url_secret_wins_and_construction_warns(caplog):
    with caplog.at_level(logging.WARNING, logger="prefect.Git"):
        git = st.Git(flow_path="f.py", repo="o/r", use_ssh=True, git_clone_url_secret_name="URL")
    assert len(caplog.records) == 1
    assert caplog.messages[0].startswith(
        "Git storage initialized with a `git_clone_url_secret_name`. The value of this Secret "
        "will be used to clone the repository, ignoring `repo`"
    )
    with prefect_compat.context(secrets=SECRETS):
        assert git.git_clone_url == "https://user@example.com/r.git"


def test_git_ssh_with_a_token_secret_warns_that_the_token_is_ignored(caplog):
    with caplog.at_level(logging.WARNING, logger="prefect.Git"):
        git = st.Git(flow_path="f.py", repo="o/r", use_ssh=True, git_token_secret_name="TOKEN")
        st.Git(flow_path="f.py", repo="o/r", use_ssh=True)
    assert caplog.messages == [
        "Git Storage initialized with `use_ssh = True` and `git_token_secret_name` provided. "
        "SSH will be used to clone the repository. `git_token_secret_name` will be ignored"
    ]
    assert git.git_clone_url == "git@github.com:o/r.git"


def test_local_default_labels_follow_add_default_labels():
    import socket

    assert st.Local().default_labels == [socket.gethostname()]
    quiet = st.Local(labels=["a"], add_default_labels=False)
    assert (quiet.labels, quiet.default_labels) == (["a"], [])


def test_ecs_run_refuses_an_image_with_a_task_definition_arn():
    from prefect_compat.run_configs import ECSRun

    with pytest.raises(ValueError, match="^Cannot provide both `task_definition_arn` and `image`"):
        ECSRun(task_definition_arn="arn:aws:ecs:task-definition/x", image="")
    with pytest.raises(ValueError, match="^Can only provide one of `task_definition`"):
        ECSRun(task_definition_arn="arn", task_definition={"a": 1}, image="i")
    assert ECSRun(task_definition={"a": 1}, image="i").image == "i"
    assert ECSRun(task_definition_arn="arn", cpu=1).cpu == "1"


def test_dask_cloud_provider_environment_skips_cleanup_by_default_as_0_13():
    import warnings

    from prefect_compat.environments import DaskCloudProviderEnvironment

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        default = DaskCloudProviderEnvironment(provider_class=object, n_workers=2)
        explicit = DaskCloudProviderEnvironment(provider_class=object, skip_cleanup=False)
    assert default._provider_kwargs == {"n_workers": 2, "skip_cleanup": True}
    assert explicit._provider_kwargs == {"skip_cleanup": False}


@pytest.mark.parametrize(
    "name", ["LocalEnvironment", "KubernetesJobEnvironment", "FargateTaskEnvironment"]
)
def test_environments_refuse_an_executor_that_is_not_an_executor(name):
    import warnings

    from prefect_compat import environments
    from prefect_compat.executors import LocalDaskExecutor, LocalExecutor

    cls = getattr(environments, name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(
            TypeError, match="^`executor` must be an `Executor` or `None`, got `x`$"
        ):
            cls(executor="x")
        assert isinstance(cls().executor, LocalExecutor)
        chosen = LocalDaskExecutor("sync")
        assert cls(executor=chosen).executor is chosen


def test_webhook_logs_an_unknown_http_method_before_raising(caplog):
    with caplog.at_level(logging.CRITICAL, logger="prefect.Webhook"):
        with pytest.raises(RuntimeError, match="^HTTP method 'FOO' not recognized"):
            st.Webhook(
                build_request_kwargs={},
                build_request_http_method="FOO",
                get_flow_request_kwargs={},
                get_flow_request_http_method="GET",
            )
    assert caplog.messages == ["HTTP method 'FOO' not recognized"]
