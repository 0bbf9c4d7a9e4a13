"""Run configs: Prefect's attributes, equality and validation; LocalRun applied by flow.run().

Attribute values below are what `vars()` printed on Prefect 1.4.1 for the same calls.
"""

from __future__ import annotations

import os
import sys

import pytest

import prefect_compat
from prefect_compat import Flow, task
from prefect_compat.engine.state import Failed, Success
from prefect_compat.run_configs import (
    DockerRun,
    ECSRun,
    KubernetesRun,
    LocalRun,
    RunConfig,
    UniversalRun,
    VertexRun,
)


def test_attributes_match_prefect():
    assert vars(RunConfig()) == {"env": None, "labels": set()}
    assert vars(UniversalRun(env={"A": "1"}, labels=["x", "y", "x"])) == {
        "env": {"A": "1"},
        "labels": {"x", "y"},
    }
    assert vars(LocalRun(env={"A": "1"}, working_dir="/tmp", labels=["l"])) == {
        "env": {"A": "1"},
        "labels": {"l"},
        "working_dir": "/tmp",
    }
    assert vars(DockerRun(image="img", ports=[80], host_config={"a": 1})) == {
        "env": None,
        "labels": set(),
        "image": "img",
        "host_config": {"a": 1},
        "ports": [80],
    }
    assert vars(
        KubernetesRun(image="img", cpu_limit=1, cpu_request=0.5, image_pull_secrets=["a"])
    ) == {
        "env": None,
        "labels": set(),
        "job_template_path": None,
        "job_template": None,
        "image": "img",
        "cpu_limit": "1",
        "cpu_request": "0.5",
        "memory_limit": None,
        "memory_request": None,
        "service_account_name": None,
        "image_pull_secrets": ["a"],
        "image_pull_policy": None,
    }
    assert vars(ECSRun(image="img", cpu=1024, memory=2048, task_definition={"x": 1})) == {
        "env": None,
        "labels": set(),
        "task_definition": {"x": 1},
        "task_definition_path": None,
        "task_definition_arn": None,
        "image": "img",
        "cpu": "1024",
        "memory": "2048",
        "task_role_arn": None,
        "execution_role_arn": None,
        "run_task_kwargs": None,
    }
    assert vars(VertexRun(image="img")) == {
        "env": None,
        "labels": set(),
        "image": "img",
        "machine_type": "e2-standard-4",
        "scheduling": None,
        "service_account": None,
        "network": None,
        "worker_pool_specs": None,
    }


def test_relative_working_dir_is_made_absolute(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert LocalRun(working_dir="rel/dir").working_dir == str(tmp_path / "rel" / "dir")


def test_equality_is_by_class_and_attributes():
    assert LocalRun(env={"A": "1"}) == LocalRun(env={"A": "1"})
    assert LocalRun(labels=["a"]) != LocalRun(labels=["b"])
    assert LocalRun() != UniversalRun()
    assert LocalRun() != 1
    with pytest.raises(TypeError, match="unhashable"):
        hash(LocalRun())


def test_subclasses_take_keyword_arguments_only():
    with pytest.raises(TypeError, match="positional"):
        LocalRun({"A": "1"})


def test_reprs_are_prefects_default_object_reprs():
    assert repr(LocalRun()).startswith("<prefect_compat.run_configs.local.LocalRun object at 0x")


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (
            lambda: KubernetesRun(job_template="a", job_template_path="b"),
            "Cannot provide both `job_template_path` and `job_template`",
        ),
        (
            lambda: KubernetesRun(image_pull_policy="Sometimes"),
            "Invalid image_pull_policy 'Sometimes'.  Expected 'Always', 'IfNotPresent', or 'Never'",
        ),
        (
            lambda: ECSRun(task_definition={}, task_definition_path="b"),
            "Can only provide one of `task_definition`, `task_definition_path`, or "
            "`task_definition_arn`",
        ),
    ],
)
def test_invalid_combinations_raise_prefects_value_errors(build, message):
    with pytest.raises(ValueError) as info:
        build()
    assert str(info.value) == message


def test_templates_are_stored_as_given_not_read():
    k8s = KubernetesRun(job_template_path="/no/such/job.yaml", job_template=None)
    assert k8s.job_template_path == "/no/such/job.yaml"
    assert KubernetesRun(job_template="a: 1").job_template == "a: 1"
    assert ECSRun(task_definition_path="t.yaml").task_definition_path == "t.yaml"


def test_serialize_is_a_plain_dict():
    assert LocalRun(env={"A": "1"}, labels=["b", "a"]).serialize() == {
        "env": {"A": "1"},
        "labels": ["a", "b"],
        "working_dir": None,
        "__version__": prefect_compat.__version__,
        "type": "LocalRun",
    }


def test_constructing_run_configs_imports_nothing_heavy():
    heavy = ("boto3", "botocore", "google.cloud", "kubernetes", "docker", "yaml", "azure")
    before = {m for m in heavy if m in sys.modules}
    DockerRun(image="x")
    KubernetesRun(job_template="a: 1")
    ECSRun(task_definition_arn="arn")
    VertexRun()
    assert {m for m in heavy if m in sys.modules} == before


# -- applied by a local flow.run() --------------------------------------------------
@task
def observe():
    return os.getcwd(), os.environ.get("I12A_SET"), os.environ.get("I12A_UNSET")


def test_local_run_env_and_working_dir_apply_to_the_run_and_are_restored(tmp_path, monkeypatch):
    monkeypatch.setenv("I12A_SET", "before")
    monkeypatch.setenv("I12A_UNSET", "present")
    work = tmp_path / "work"
    work.mkdir()
    cwd = os.getcwd()
    run_config = LocalRun(env={"I12A_SET": "during", "I12A_UNSET": None}, working_dir=str(work))
    with Flow("local-run", run_config=run_config) as flow:
        seen = observe()
    assert flow.run_config is run_config
    state = flow.run()
    assert isinstance(state, Success)
    assert state.result[seen].result == (str(work), "during", None)
    assert os.getcwd() == cwd
    assert os.environ["I12A_SET"] == "before"
    assert os.environ["I12A_UNSET"] == "present"


def test_restored_even_when_the_run_fails(tmp_path, monkeypatch):
    monkeypatch.delenv("I12A_SET", raising=False)
    cwd = os.getcwd()

    @task
    def fail():
        assert os.environ["I12A_SET"] == "1"
        raise RuntimeError("no")

    with Flow("failing", run_config=LocalRun(env={"I12A_SET": 1}, working_dir=str(tmp_path))) as f:
        fail()
    assert isinstance(f.run(), Failed)
    assert os.getcwd() == cwd
    assert "I12A_SET" not in os.environ


def test_universal_run_env_applies_other_run_configs_do_not(monkeypatch):
    monkeypatch.delenv("I12A_SET", raising=False)
    with Flow("universal", run_config=UniversalRun(env={"I12A_SET": "u"})) as flow:
        seen = observe()
    assert flow.run().result[seen].result[1] == "u"
    with Flow("docker", run_config=DockerRun(env={"I12A_SET": "d"})) as flow:
        seen = observe()
    assert flow.run().result[seen].result[1] is None
