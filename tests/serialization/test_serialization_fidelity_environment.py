"""0.13 environments serialize as 0.13.19's schemas write them: labels, metadata and a
few settings per class; any other class as `CustomEnvironment`."""

from __future__ import annotations

import pytest

from prefect_compat.environments import (
    DaskKubernetesEnvironment,
    Environment,
    FargateTaskEnvironment,
    KubernetesJobEnvironment,
    LocalEnvironment,
)
from prefect_compat.serialization.environment import EnvironmentSchema, LocalEnvironmentSchema
from prefect_compat.utilities.configuration import set_temporary_config


@pytest.fixture(autouse=True)
def _prefect_0_13():
    with set_temporary_config({"compat.prefect_version": "0.13"}):
        yield


@pytest.mark.parametrize(
    ("make", "extra"),
    [
        (lambda: LocalEnvironment(labels=["b", "a"], metadata={"m": 1}), {}),
        (lambda: KubernetesJobEnvironment(labels=["b", "a"], metadata={"m": 1}), {}),
        (lambda: FargateTaskEnvironment(labels=["b", "a"], metadata={"m": 1}), {}),
        (
            lambda: DaskKubernetesEnvironment(
                min_workers=1, max_workers=2, labels=["b", "a"], metadata={"m": 1}
            ),
            {"docker_secret": None, "private_registry": False, "min_workers": 1, "max_workers": 2},
        ),
    ],
    ids=["Local", "KubernetesJob", "FargateTask", "DaskKubernetes"],
)
def test_each_environment_writes_only_prefects_fields_and_loads_back(make, extra):
    env = make()
    dumped = EnvironmentSchema().dump(env)
    assert dumped == {
        "type": type(env).__name__,
        "__version__": "0.13.19",
        "labels": ["a", "b"],
        "metadata": {"m": 1},
        **extra,
    }
    loaded = EnvironmentSchema().load(dumped)
    assert type(loaded) is type(env)
    assert (set(loaded.labels), loaded.metadata) == ({"a", "b"}, {"m": 1})


def test_a_users_environment_class_is_written_as_custom_and_loads_as_the_base_class():
    class MyEnv(LocalEnvironment):
        def __init__(self, x=1, **kwargs):
            self.x = x
            super().__init__(**kwargs)

    dumped = EnvironmentSchema().dump(MyEnv(labels=["z"]))
    assert dumped == {
        "type": "CustomEnvironment",
        "__version__": "0.13.19",
        "labels": ["z"],
        "metadata": {},
    }
    loaded = EnvironmentSchema().load(dumped)
    assert type(loaded) is Environment and set(loaded.labels) == {"z"}


def test_single_class_schemas_write_no_type():
    assert LocalEnvironmentSchema().dump(LocalEnvironment(labels=["a"])) == {
        "__version__": "0.13.19",
        "labels": ["a"],
        "metadata": {},
    }
