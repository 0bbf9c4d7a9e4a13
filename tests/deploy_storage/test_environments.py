"""0.13's `prefect.environments` and `prefect.environments.storage`.

Values below were printed by Prefect 0.13.19 for the same calls.
"""

from __future__ import annotations

import os
import socket

import pytest

from prefect_compat import Flow, task
from prefect_compat import environments as E
from prefect_compat import storage as st
from prefect_compat.environments import storage as S
from prefect_compat.exceptions import NoBackendError
from prefect_compat.executors import LocalExecutor


def test_environment_attributes_repr_and_serialize():
    env = E.LocalEnvironment(labels=["a"], metadata={"m": 1})
    assert repr(env) == "<Environment: LocalEnvironment>"
    assert isinstance(env.executor, LocalExecutor)
    assert (env.labels, env.metadata, env.on_start, env.on_exit) == ({"a"}, {"m": 1}, None, None)
    assert env.logger.name == "prefect.LocalEnvironment"
    assert env.dependencies == []
    assert env.serialize() == {
        "labels": ["a"],
        "metadata": {"m": 1},
        "__version__": "1.4.1",  # the default compat.prefect_version
        "type": "LocalEnvironment",
    }
    assert repr(E.Environment()) == "<Environment: Environment>"
    assert E.Environment().setup(Flow("x")) is None


def test_remote_environments_warn_as_0_13_did():
    with pytest.warns(UserWarning, match="`RemoteEnvironment` is deprecated, please use `Local"):
        remote = E.RemoteEnvironment(executor="prefect.executors.LocalExecutor")
    assert (remote.executor, remote.executor_kwargs) == ("prefect.executors.LocalExecutor", {})
    with pytest.warns(UserWarning, match="`RemoteDaskEnvironment` is deprecated.*DaskExecutor"):
        dask = E.RemoteDaskEnvironment(address="tcp://x:8786")
    assert dask.executor_kwargs == {"address": "tcp://x:8786"}
    assert dask.serialize()["address"] == "tcp://x:8786"


def test_infrastructure_environments_are_stored_and_refuse_to_execute():
    k8s = E.DaskKubernetesEnvironment(min_workers=1)
    assert (k8s.min_workers, k8s.max_workers, k8s.work_stealing) == (1, 2, True)
    assert k8s.dependencies == ["kubernetes"]
    fargate = E.FargateTaskEnvironment(region_name="us-east-1", cpu="256", cluster="c")
    assert fargate.task_definition_kwargs == {"cpu": "256"}
    assert fargate.task_run_kwargs == {"cluster": "c"}
    assert fargate.dependencies == ["boto3", "botocore"]
    job = E.KubernetesJobEnvironment(job_spec_file="/no/such/job.yaml")
    assert job.job_spec_file == "/no/such/job.yaml"
    cloud = E.DaskCloudProviderEnvironment(provider_class=object)
    for env in (k8s, fargate, job, cloud, E.Environment()):
        with pytest.raises(NoBackendError, match="needs a Prefect Cloud/Server backend"):
            env.execute(Flow("x"))


def test_local_and_remote_environments_execute_in_process():
    calls = []

    @task
    def work():
        calls.append("ran")

    with Flow("executed") as flow:
        work()
    E.LocalEnvironment(
        on_start=lambda: calls.append("start"), on_exit=lambda: calls.append("exit")
    ).execute(flow)
    with pytest.warns(UserWarning):
        E.RemoteEnvironment(executor="prefect.executors.LocalExecutor").execute(flow)
    assert calls == ["start", "ran", "exit", "ran"]


def test_flow_keeps_its_environment():
    env = E.LocalEnvironment()
    assert Flow("with", environment=env).environment is env


# -- 0.13 storage ------------------------------------------------------------------
def test_013_storage_is_the_1x_storage_with_013_manners(tmp_path):
    s3 = S.S3(bucket="b")
    assert isinstance(s3, st.S3) and isinstance(s3, S.Storage)
    assert s3.labels == ["s3-flow-storage"]
    assert S.GCS(bucket="b").labels == ["gcs-flow-storage"]
    assert S.GitHub(repo="o/r").labels == ["github-flow-storage"]
    assert S.GitLab(repo="o/r").labels == ["gitlab-flow-storage"]
    assert S.Bitbucket(project="p", repo="r").labels == []
    assert S.Local(directory=str(tmp_path)).labels == [socket.gethostname()]
    assert (S.GitHub(repo="o/r").path, S.GitHub(repo="o/r").ref) == (None, "master")
    azure = S.Azure(container="c", connection_string="cs")
    assert (azure.labels, azure.connection_string) == (["azure-flow-storage"], "cs")
    docker = S.Docker("reg", None, None, ["dep"])  # 0.13's positional order
    assert docker.python_dependencies == ["dep", "wheel"]
    assert S.get_default_storage_class() is S.Local


def test_013_local_storage_round_trip_by_location(tmp_path):
    with Flow("ff") as flow:
        pass
    local = S.Local(directory=str(tmp_path))
    location = local.add_flow(flow)
    assert location == os.path.join(str(tmp_path), "ff.prefect")
    assert local.get_flow(location).name == "ff"
    with pytest.raises(ValueError, match="^No flow location provided"):
        local.get_flow()
