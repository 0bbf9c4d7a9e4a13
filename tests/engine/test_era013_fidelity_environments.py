"""0.13-era scripts: environments serialize with the Prefect release's version stamp."""

from __future__ import annotations

import pytest

from prefect_compat.environments import LocalEnvironment, RemoteEnvironment
from prefect_compat.utilities.configuration import set_temporary_config


@pytest.mark.parametrize(("version", "stamp"), [("0.13", "0.13.19"), ("1", "1.4.1")])
def test_environment_serialize_carries_the_chosen_prefect_release(version, stamp):
    env = LocalEnvironment(labels=["x"], metadata={"m": 1})
    with set_temporary_config({"compat.prefect_version": version}):
        data = env.serialize()
    assert data == {
        "labels": ["x"],
        "metadata": {"m": 1},
        "__version__": stamp,
        "type": "LocalEnvironment",
    }


def test_remote_environment_serialize_keeps_its_fields_and_the_013_stamp():
    with pytest.warns(UserWarning, match="`RemoteEnvironment` is deprecated"):
        env = RemoteEnvironment(executor="prefect.executors.LocalExecutor")
    with set_temporary_config({"compat.prefect_version": "0.13"}):
        data = env.serialize()
    assert data["__version__"] == "0.13.19"
    assert (data["executor"], data["executor_kwargs"]) == ("prefect.executors.LocalExecutor", {})
