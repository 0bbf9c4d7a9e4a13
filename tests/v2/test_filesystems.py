"""2.x file system blocks over `_storage`, and the local block registry.

Local files on disk; S3 against the project's moto_server; GCS against the emulator.
"""

from __future__ import annotations

import os
import stat

import pytest

from prefect_compat import settings
from prefect_compat._storage.base import StorageError
from prefect_compat.blocks.core import Block, SecretStr
from prefect_compat.filesystems import GCS, S3, LocalFileSystem, PathNotFound, RemoteFileSystem
from tests.fixtures.servers import free_port

# ------------------------------------------------------------------ LocalFileSystem


def test_local_round_trip_creates_the_directory(tmp_path):
    fs = LocalFileSystem(basepath=str(tmp_path / "st"))
    assert fs.write_path("abc", b"hello") is None  # 2.6.9 returns None
    assert (tmp_path / "st" / "abc").read_bytes() == b"hello"
    assert fs.read_path("abc") == b"hello"
    fs.write_path(str(tmp_path / "st" / "abs"), b"x")  # absolute inside the basepath is fine
    assert fs.read_path("abs") == b"x"


def test_local_missing_path_is_prefects_value_error(tmp_path):
    fs = LocalFileSystem(basepath=str(tmp_path))
    with pytest.raises(PathNotFound, match=f"^Path {tmp_path}/nope does not exist\\.") as info:
        fs.read_path("nope")
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, FileNotFoundError)


@pytest.mark.parametrize("key", ["../x", "a/../../x", "/etc/passwd"])
def test_local_refuses_paths_outside_the_basepath(tmp_path, key):
    base = tmp_path / "base"
    fs = LocalFileSystem(basepath=str(base))
    with pytest.raises(ValueError, match=f"is outside of the base path {base}"):
        fs.write_path(key, b"x")
    with pytest.raises(ValueError, match="is outside of the base path"):
        fs.read_path(key)
    assert not (tmp_path / "x").exists()


def test_relative_basepath_follows_the_working_directory(tmp_path, monkeypatch):
    fs = LocalFileSystem(basepath=".my-results")
    monkeypatch.chdir(tmp_path)
    fs.write_path("one", b"1")
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")
    fs.write_path("two", b"2")
    assert (tmp_path / ".my-results" / "one").read_bytes() == b"1"
    assert (tmp_path / "elsewhere" / ".my-results" / "two").read_bytes() == b"2"


def test_no_basepath_means_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    LocalFileSystem().write_path("k0", b"1")
    assert (tmp_path / "k0").read_bytes() == b"1"


def test_home_in_basepath_expands(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    LocalFileSystem(basepath="~/results").write_path("k", b"1")
    assert (tmp_path / "results" / "k").read_bytes() == b"1"


def test_local_write_is_atomic_when_the_rename_fails(tmp_path, monkeypatch):
    fs = LocalFileSystem(basepath=str(tmp_path))
    fs.write_path("k", b"old")

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(StorageError, match="No space left on device"):
        fs.write_path("k", b"new")
    monkeypatch.undo()
    assert sorted(os.listdir(tmp_path)) == ["k"]  # no temporary file left behind
    assert fs.read_path("k") == b"old"


def test_block_surface_looks_like_prefects(tmp_path):
    fs = LocalFileSystem(basepath=str(tmp_path))
    assert repr(fs) == f"LocalFileSystem(basepath='{tmp_path}')"
    assert fs.dict() == {"basepath": str(tmp_path), "block_type_slug": "local-file-system"}
    assert LocalFileSystem.get_block_type_slug() == "local-file-system"
    assert fs == LocalFileSystem(basepath=tmp_path)  # a Path is kept as text
    s3 = S3(bucket_path="bucket/prefix", aws_access_key_id="AK", aws_secret_access_key="SK")
    assert repr(s3) == (
        "S3(bucket_path='bucket/prefix', aws_access_key_id=SecretStr('**********'), "
        "aws_secret_access_key=SecretStr('**********'))"
    )
    assert s3.aws_secret_access_key.get_secret_value() == "SK"
    assert s3.basepath == "s3://bucket/prefix"
    gcs = GCS(bucket_path="b/p", service_account_info='{"a": 1}', project="proj")
    assert repr(gcs) == (
        "GCS(bucket_path='b/p', service_account_info=SecretStr('**********'), project='proj')"
    )


def test_gcs_service_account_info_must_be_json():
    with pytest.raises(ValueError, match="must be the service account's JSON key"):
        GCS(bucket_path="b", service_account_info="not json")
    assert GCS(
        bucket_path="b", service_account_info={"type": "x"}
    ).service_account_info == SecretStr('{"type": "x"}')


# ------------------------------------------------------------------ registry


def test_save_and_load_by_slug(prefect_home, tmp_path):
    fs = LocalFileSystem(basepath=str(tmp_path / "r"))
    block_id = fs.save("my-results")
    assert (prefect_home / "blocks.toml").read_text() == (
        f'[local-file-system.my-results]\nbasepath = "{tmp_path}/r"\n'
    )
    loaded = Block.load("local-file-system/my-results")
    assert loaded == fs
    assert type(loaded) is LocalFileSystem
    assert LocalFileSystem.load("my-results") == fs
    assert loaded._block_document_id == block_id == fs._block_document_id
    assert not loaded._is_anonymous


def test_secrets_go_to_a_private_file(prefect_home):
    S3(bucket_path="b/p", aws_access_key_id="AK", aws_secret_access_key="SK").save("dev-s3-block")
    assert (prefect_home / "blocks.toml").read_text() == '[s3.dev-s3-block]\nbucket_path = "b/p"\n'
    secrets = prefect_home / "blocks-secrets.toml"
    assert "SK" in secrets.read_text()
    assert stat.S_IMODE(os.stat(secrets).st_mode) == 0o600
    loaded = S3.load("dev-s3-block")
    assert loaded.aws_access_key_id.get_secret_value() == "AK"
    assert loaded.aws_secret_access_key.get_secret_value() == "SK"


def test_unknown_slug_uses_prefects_message(prefect_home):
    with pytest.raises(
        ValueError, match="^Unable to find block document named dev-s3-block for block type s3"
    ) as info:
        Block.load("s3/dev-s3-block")
    assert str(prefect_home / "blocks.toml") in str(info.value)
    with pytest.raises(ValueError, match="named x for block type nope"):
        Block.load("nope/x")
    with pytest.raises(ValueError, match="must look like '<block-type>/<block-name>'"):
        Block.load("noslash")


def test_names_are_checked_and_not_overwritten_by_accident(tmp_path):
    fs = LocalFileSystem(basepath=str(tmp_path))
    with pytest.raises(ValueError, match="lowercase letters, numbers, and dashes"):
        fs.save("Bad Name")
    fs.save("taken")
    other = LocalFileSystem(basepath=str(tmp_path / "other"))
    with pytest.raises(ValueError, match="already in use for this block type.*overwrite=True"):
        other.save("taken")
    assert LocalFileSystem.load("taken") == fs
    other.save("taken", overwrite=True)
    assert LocalFileSystem.load("taken") == other


def test_registry_follows_prefect_home(tmp_path):
    LocalFileSystem(basepath="/a").save("here")
    with settings.temporary_settings(updates={settings.PREFECT_HOME: str(tmp_path / "other")}):
        with pytest.raises(ValueError, match="Unable to find block document named here"):
            LocalFileSystem.load("here")
    assert LocalFileSystem.load("here").basepath == "/a"


def test_block_ids_are_derived_from_content():
    one = S3(bucket_path="b/p", aws_access_key_id="AK")
    same = S3(bucket_path="b/p")  # secrets do not enter the id
    other = S3(bucket_path="b/q")
    assert one._block_document_id == same._block_document_id != other._block_document_id
    other.bucket_path = "b/p"
    assert other._block_document_id == one._block_document_id


# ------------------------------------------------------------------ S3 on moto


@pytest.fixture
def s3_env(s3_bucket, s3_server, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL", s3_server)
    return s3_bucket


def test_s3_round_trip_under_the_prefix(s3_env, s3_admin):
    fs = S3(bucket_path=f"{s3_env}/some/prefix")
    fs.write_path("key1", b"payload")
    body = s3_admin.get_object(Bucket=s3_env, Key="some/prefix/key1")["Body"].read()
    assert body == b"payload"
    assert fs.read_path("key1") == b"payload"
    S3(bucket_path=s3_env).write_path("top", b"1")
    assert s3_admin.get_object(Bucket=s3_env, Key="top")["Body"].read() == b"1"


def test_s3_missing_key(s3_env):
    with pytest.raises(PathNotFound, match=f"Path s3://{s3_env}/p/nope does not exist"):
        S3(bucket_path=f"{s3_env}/p").read_path("nope")


def test_s3_service_endpoint_variable_wins(s3_env, s3_server, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{free_port()}")  # nothing there
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", s3_server)
    fs = S3(bucket_path=s3_env)
    fs.write_path("k", b"v")
    assert fs.read_path("k") == b"v"


def test_s3_keys_from_the_block_are_used(s3_env, s3_admin, monkeypatch):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(name)
    fs = S3(bucket_path=s3_env, aws_access_key_id="testing", aws_secret_access_key="testing")
    fs.write_path("k", b"with keys")
    assert s3_admin.get_object(Bucket=s3_env, Key="k")["Body"].read() == b"with keys"


def test_s3_refuses_escaping_keys(s3_env):
    with pytest.raises(StorageError, match="escapes its prefix"):
        S3(bucket_path=f"{s3_env}/p").write_path("../x", b"1")


def test_s3_saved_block_loads_and_writes(s3_env, s3_admin):
    S3(bucket_path=f"{s3_env}/saved").save("dev-s3-block")
    Block.load("s3/dev-s3-block").write_path("k", b"v")
    assert s3_admin.get_object(Bucket=s3_env, Key="saved/k")["Body"].read() == b"v"


# ------------------------------------------------------------------ GCS on the emulator


def test_gcs_round_trip_under_the_prefix(gcs_bucket, gcs_admin):
    fs = GCS(bucket_path=f"{gcs_bucket}/pre", project="prefect-compat-tests")
    fs.write_path("key1", b"payload")
    assert gcs_admin.bucket(gcs_bucket).blob("pre/key1").download_as_bytes() == b"payload"
    assert fs.read_path("key1") == b"payload"
    with pytest.raises(PathNotFound, match=f"Path gcs://{gcs_bucket}/pre/nope does not exist"):
        fs.read_path("nope")


# ------------------------------------------------------------------ RemoteFileSystem


def test_remote_memory_and_file_schemes(tmp_path):
    memory = RemoteFileSystem(basepath="memory://bucket/x")
    memory.write_path("k", b"m")
    assert RemoteFileSystem(basepath="memory://bucket/x").read_path("k") == b"m"
    with pytest.raises(PathNotFound, match="Path memory://bucket/x/nope does not exist"):
        memory.read_path("nope")
    local = RemoteFileSystem(basepath=f"file://{tmp_path}/files")
    local.write_path("k", b"f")
    assert (tmp_path / "files" / "k").read_bytes() == b"f"


def test_remote_s3_with_fsspec_style_settings(s3_bucket, s3_server, s3_admin):
    fs = RemoteFileSystem(
        basepath=f"s3://{s3_bucket}/remote",
        settings={
            "key": "testing",
            "secret": "testing",
            "client_kwargs": {"endpoint_url": s3_server},
        },
    )
    fs.write_path("k", b"r")
    assert s3_admin.get_object(Bucket=s3_bucket, Key="remote/k")["Body"].read() == b"r"


def test_remote_rejects_unsupported_paths():
    with pytest.raises(ValueError, match="Base path must start with a scheme. Got '/x'"):
        RemoteFileSystem(basepath="/x")
    with pytest.raises(ValueError, match="supports s3://, gs://, gcs://, file://, memory://"):
        RemoteFileSystem(basepath="abfs://container/x")


def test_a_changed_basepath_takes_effect_on_the_next_write(tmp_path):
    fs = LocalFileSystem(basepath=str(tmp_path / "a"))
    fs.write_path("k", b"1")
    fs.basepath = str(tmp_path / "b")
    fs.write_path("k", b"2")
    assert (tmp_path / "a" / "k").read_bytes() == b"1"
    assert (tmp_path / "b" / "k").read_bytes() == b"2"
    for key in (".", ".."):
        with pytest.raises((ValueError, OSError)):
            fs.write_path(key, b"x")
