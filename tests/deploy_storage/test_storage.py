"""Flow storage (`prefect.storage`): Prefect's attributes; Local and Module work locally.

Attribute values and messages below were printed by Prefect 1.4.1 for the same calls.
"""

from __future__ import annotations

import os
import re
import socket
import sys
import textwrap

import pytest

import prefect_compat
from prefect_compat import Flow, task
from prefect_compat import storage as st
from prefect_compat.engine.results import GCSResult, LocalResult, S3Result
from prefect_compat.engine.state import Success
from prefect_compat.exceptions import NoBackendError, PrefectException
from prefect_compat.utilities.configuration import set_temporary_config

TIMESTAMPED = r"my-flow/\d{4}-\d\d-\d\dt\d\d-\d\d-\d\d-\d{6}-00-00"


@task
def inc(x):
    return x + 1


def make_flow(name="My Flow!"):
    with Flow(name) as flow:
        inc(1)
    return flow


def test_storage_base_is_abstract():
    with pytest.raises(TypeError, match="abstract"):
        st.Storage()


def test_local_attributes_and_labels(tmp_path):
    local = st.Local(directory=str(tmp_path / "flows"))
    assert repr(local) == "<Storage: Local>"
    assert (local.directory, local.path, local.stored_as_script) == (
        str(tmp_path / "flows"),
        None,
        False,
    )
    assert (local.secrets, local.flows, local.name) == ([], {}, "Local")
    assert isinstance(local.result, LocalResult)
    assert local.result.dir == str(tmp_path / "flows")
    assert (tmp_path / "flows").is_dir()  # validate=True creates it, as in Prefect
    assert local.labels == local.default_labels == [socket.gethostname()]
    quiet = st.Local(directory=str(tmp_path / "x"), validate=False, add_default_labels=False)
    assert quiet.labels == []
    assert not (tmp_path / "x").exists()


def test_local_default_directory_is_under_home_dir(tmp_path):
    with set_temporary_config({"home_dir": str(tmp_path)}):
        local = st.Local(validate=False)
    assert local.directory == str(tmp_path / "flows")


def test_local_pickles_the_flow_and_loads_it_back(tmp_path):
    flow = make_flow()
    local = st.Local(directory=str(tmp_path))
    location = local.add_flow(flow)
    assert re.fullmatch(re.escape(str(tmp_path)) + "/" + TIMESTAMPED, location)
    assert os.path.isfile(location)
    assert [p.name for p in (tmp_path / "my-flow").iterdir()] == [os.path.basename(location)]
    assert local.flows == {"My Flow!": location}
    assert "My Flow!" in local and flow not in local and 1 not in local
    assert local.build() is local
    loaded = local.get_flow("My Flow!")
    assert loaded is not flow and loaded.name == "My Flow!"
    assert isinstance(local.get_flow(location).run(), Success)


def test_local_refuses_a_second_flow_with_the_same_name(tmp_path):
    local = st.Local(directory=str(tmp_path))
    local.add_flow(make_flow())
    with pytest.raises(
        ValueError,
        match='^Name conflict: Flow with the name "My Flow!" is already present in this storage.',
    ):
        local.add_flow(make_flow())


def test_local_get_flow_of_an_unknown_flow(tmp_path):
    with pytest.raises(ValueError, match="^Flow is not contained in this Storage.*add_flow"):
        st.Local(directory=str(tmp_path)).get_flow("nope")


def test_local_stored_as_script_runs_the_script_without_running_the_flow(tmp_path):
    script = tmp_path / "my_flow.py"
    marker = tmp_path / "ran"
    script.write_text(
        textwrap.dedent(
            f"""
            from prefect_compat import Flow, task

            @task
            def touch():
                open({str(marker)!r}, "w").close()

            with Flow("scripted") as flow:
                touch()

            flow.run()
            """
        )
    )
    local = st.Local(path=str(script), stored_as_script=True, directory=str(tmp_path))
    assert local.add_flow(make_flow("scripted")) == str(script)
    with pytest.warns(UserWarning, match="during execution of flow file"):
        loaded = local.get_flow("scripted")
    assert loaded.name == "scripted" and not marker.exists()
    assert isinstance(loaded.run(), Success) and marker.exists()


def test_local_stored_as_script_needs_a_path(tmp_path):
    local = st.Local(stored_as_script=True, directory=str(tmp_path))
    with pytest.raises(ValueError, match="^A `path` must be provided"):
        local.add_flow(make_flow())


def test_module_storage_imports_the_flow(tmp_path, monkeypatch):
    (tmp_path / "i12a_flows_module.py").write_text(
        "from prefect_compat import Flow\nmy_flow = Flow('in-module')\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    storage = st.Module("i12a_flows_module")
    assert storage.add_flow(Flow("in-module")) == "i12a_flows_module"
    assert storage.get_flow("in-module").name == "in-module"
    assert storage.build() is storage
    other = st.Module("os")
    other.add_flow(Flow("a"))
    with pytest.raises(ValueError, match="^Failed to find flow 'a' in 'os'"):
        other.get_flow("a")
    sys.modules.pop("i12a_flows_module", None)


@pytest.mark.parametrize(
    ("storage", "attributes", "result_type", "location"),
    [
        (
            lambda: st.S3(bucket="bk"),
            {
                "bucket": "bk",
                "key": None,
                "upload_options": None,
                "local_script_path": None,
                "client_options": None,
            },
            S3Result,
            TIMESTAMPED,
        ),
        (
            lambda: st.S3(bucket="bk", key="k/flow.pkl"),
            {"bucket": "bk", "key": "k/flow.pkl"},
            S3Result,
            "k/flow.pkl",
        ),
        (
            lambda: st.GCS(bucket="bk"),
            {"bucket": "bk", "key": None, "project": None, "local_script_path": None},
            GCSResult,
            TIMESTAMPED,
        ),
        (
            lambda: st.Azure(container="c"),
            {"container": "c", "connection_string_secret": None, "blob_name": None},
            None,
            TIMESTAMPED,
        ),
        (
            lambda: st.Docker(image_name="i", image_tag="t"),
            {"image_name": "i", "image_tag": "t", "python_dependencies": ["wheel"]},
            None,
            "/opt/prefect/flows/my-flow.prefect",
        ),
        (
            lambda: st.Webhook(
                build_request_kwargs={"url": "http://x"},
                build_request_http_method="POST",
                get_flow_request_kwargs={"url": "http://x"},
                get_flow_request_http_method="GET",
            ),
            {"build_request_http_method": "POST", "get_flow_request_http_method": "GET"},
            None,
            "My Flow!",
        ),
    ],
)
def test_remote_storage_records_and_refuses_to_upload(storage, attributes, result_type, location):
    built = storage()
    for name, value in attributes.items():
        assert getattr(built, name) == value, name
    if result_type is not None:
        assert isinstance(built.result, result_type)
    assert (built.secrets, built.stored_as_script, built.labels) == ([], False, [])
    assert re.fullmatch(
        location if location == TIMESTAMPED else re.escape(location), built.add_flow(make_flow())
    )
    assert "My Flow!" in built
    with pytest.raises(
        NoBackendError, match=r"storage needs a Prefect Cloud/Server backend.*flow\.run\(\)"
    ):
        built.build()
    with pytest.raises(NoBackendError, match="prefect-compat run"):
        built.get_flow("My Flow!")


@pytest.mark.parametrize(
    ("storage", "attributes"),
    [
        (
            lambda: st.GitHub(repo="org/repo", path="flows/f.py"),
            {"repo": "org/repo", "path": "flows/f.py", "ref": None, "base_url": None},
        ),
        (
            lambda: st.GitLab(repo="org/repo", path="f.py"),
            {"repo": "org/repo", "host": None, "path": "f.py", "ref": None},
        ),
        (
            lambda: st.Bitbucket(project="P", repo="r", path="f.py"),
            {"project": "P", "repo": "r", "workspace": None, "path": "f.py"},
        ),
        (
            lambda: st.CodeCommit(repo="r", path="f.py"),
            {"repo": "r", "path": "f.py", "commit": None, "client_options": None},
        ),
        (
            lambda: st.Git(flow_path="f.py", repo="org/repo"),
            {"flow_path": "f.py", "repo_host": "github.com", "git_token_username": "org"},
        ),
    ],
)
def test_git_hosted_storage_builds_to_itself(storage, attributes):
    built = storage()
    for name, value in attributes.items():
        assert getattr(built, name) == value, name
    assert built.stored_as_script is False and built.result is None
    where = attributes.get("path", attributes.get("flow_path"))
    assert built.add_flow(make_flow()) == where
    assert built.flows == {"My Flow!": where}
    assert built.build() is built
    with pytest.raises(NoBackendError):
        built.get_flow("My Flow!")


def test_git_storage_checks_and_urls():
    with pytest.raises(ValueError, match="Either `repo` or `git_clone_url_secret_name`"):
        st.Git(flow_path="f.py")
    with pytest.raises(ValueError, match="only one of the following parameters"):
        st.Git(flow_path="f.py", repo="o/r", tag="t", branch_name="b")
    git = st.Git(flow_path="f.py", repo="o/r")
    assert (git.git_token_secret, git.git_clone_url) == ("", "https://@github.com/o/r.git")
    assert st.Git(flow_path="f.py", repo="o/r", use_ssh=True).git_clone_url == (
        "git@github.com:o/r.git"
    )
    with prefect_compat.context(secrets={"TOKEN": "abc"}):
        token = st.Git(flow_path="f.py", repo="o/r", git_token_secret_name="TOKEN")
        assert token.git_clone_url == "https://o:abc@github.com/o/r.git"  # Prefect 1.4.1


def test_docker_checks_and_name():
    with pytest.raises(ValueError, match="^Only one of `base_image` and `dockerfile`"):
        st.Docker(base_image="a", dockerfile="b")
    assert st.Docker(image_name="i", image_tag="t").name == "i:t"
    assert st.Docker(registry_url="reg", image_name="i", image_tag="t").name == "reg/i:t"
    with pytest.raises(ValueError, match="missing required fields image_name and image_tag"):
        _ = st.Docker().name
    docker = st.Docker(env_vars={"A": "1"}, python_dependencies=["x"])
    assert docker.env_vars == {"A": "1", "PREFECT__USER_CONFIG_PATH": "/opt/prefect/config.toml"}
    assert docker.python_dependencies == ["x", "wheel"]
    assert st.docker.multiline_indent("a\nb\n c", 3) == "a\n   b\n    c"


def test_azure_connection_string_from_secret_or_environment(monkeypatch):
    monkeypatch.delenv("AZURE_STORAGE_CONNECTION_STRING", raising=False)
    azure = st.Azure(container="c", connection_string_secret="AZ")
    with pytest.raises(ValueError, match="^Azure connection string not provided"):
        _ = azure.connection_string
    with prefect_compat.context(secrets={"AZ": "from-secret"}):
        assert azure.connection_string == "from-secret"
    monkeypatch.setenv("AZURE_STORAGE_CONNECTION_STRING", "from-env")
    assert st.Azure(container="c").connection_string == "from-env"


def test_no_backend_error_is_a_prefect_exception():
    assert issubclass(NoBackendError, PrefectException)


def test_serialize_and_default_class(tmp_path):
    local = st.Local(directory=str(tmp_path))
    location = local.add_flow(make_flow())
    assert local.serialize() == {
        "path": None,
        "directory": str(tmp_path),
        "secrets": [],
        "stored_as_script": False,
        "flows": {"My Flow!": location},
        "__version__": prefect_compat.__version__,
        "type": "Local",
    }
    assert st.get_default_storage_class() is st.Local
    with set_temporary_config({"flows.defaults.storage.default_class": "prefect.storage.S3"}):
        assert st.get_default_storage_class() is st.S3
    with set_temporary_config({"flows.defaults.storage.default_class": "not.a.Class"}):
        with pytest.warns(UserWarning, match="Could not import not.a.Class"):
            assert st.get_default_storage_class() is st.Local


def test_flow_keeps_its_storage_and_defaults_to_none(tmp_path):
    storage = st.Local(directory=str(tmp_path))
    assert Flow("with", storage=storage).storage is storage
    assert Flow("without").storage is None
