"""Documents move both ways between real Prefect 2.6.9 and prefect-compat.

Direction 1: every document in data/from_prefect_2_6_9 (written by real 2.6.9, pickle,
json, compressed/pickle, compressed/json, zlib, bz2, stdlib pickle and orjson) reads back
here to the value that was written.

Direction 2: what we write today has 2.6.9's fields and encodings (key order, separators,
serializer descriptions, the same `data` text, or the same payload under the compression),
and is equivalent to data/from_prefect_compat, whose files real 2.6.9 loaded as recorded in
READ_BY_PREFECT_2_6_9.json (orjson documents excepted: 2.6.9 cannot read its own either).
"""

from __future__ import annotations

import base64
import bz2
import json
import lzma
import pathlib
import pickle
import warnings
import zlib

import cloudpickle
import pytest

from prefect_compat import settings
from prefect_compat.filesystems import LocalFileSystem
from prefect_compat.results import PersistedResult, ResultFactory, remember_storage
from prefect_compat.serializers import PickleSerializer
from tests.v2 import interchange_cases as cases

PREFECT_MANIFEST = json.loads((cases.FROM_PREFECT / "MANIFEST.json").read_text())
COMPAT_MANIFEST = json.loads((cases.FROM_COMPAT / "MANIFEST.json").read_text())
READ_BY_PREFECT = json.loads(cases.READ_BY_PREFECT.read_text())
NAMES = sorted(name for name, _, _ in cases.cases())
_DECOMPRESS = {"lzma": lzma.decompress, "zlib": zlib.decompress, "bz2": bz2.decompress}


# Python 3.13 moved pathlib's classes to `pathlib._local`: there a Path is written under
# that name (by Prefect 2.6.9 as by us), so a document holding one differs in those bytes
# from the documents recorded on 3.11. JSON text is compared with the recorded class name
# replaced; pickle bytes holding a Path are compared by value on such a Python.
PATH_MODULE = pathlib.PosixPath.__module__


def as_written_here(recorded: bytes) -> bytes:
    """A recorded JSON payload as this Python names the Path class."""
    return recorded.replace(b'"pathlib.PosixPath"', f'"{PATH_MODULE}.PosixPath"'.encode())


def exact_pickle_expected(recorded_pickle: bytes) -> bool:
    """Whether this Python pickles the recorded value to the same bytes."""
    return PATH_MODULE == "pathlib" or b"pathlib" not in recorded_pickle


def same_value(got, expected):
    if isinstance(expected, BaseException):
        return type(got) is type(expected) and got.args == expected.args
    return got == expected and type(got) is type(expected)


def test_the_fixture_sets_cover_every_case():
    assert sorted(PREFECT_MANIFEST) == NAMES == sorted(COMPAT_MANIFEST) == sorted(READ_BY_PREFECT)


# ------------------------------------------------------------------ 2.6.9 -> prefect-compat


@pytest.mark.parametrize("name", NAMES)
def test_documents_written_by_prefect_2_6_9_read_back(name):
    factory = ResultFactory(False, True, LocalFileSystem(basepath=str(cases.FROM_PREFECT)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # cloudpickle 2.2.1 vs ours
        value = factory.read(name)
    assert same_value(value, cases.expected_read(name))


@pytest.mark.parametrize("name", NAMES)
def test_references_from_prefect_2_6_9_parse_and_resolve(name):
    reference = PREFECT_MANIFEST[name]["reference"]
    result = PersistedResult.parse_obj(reference)
    assert json.loads(result.json()) == reference
    assert result.serializer_type == PREFECT_MANIFEST[name]["serializer_type"]
    fs = LocalFileSystem(basepath=str(cases.FROM_PREFECT))
    remember_storage(fs, result.storage_block_id)  # 2.6.9 kept the block in its database
    result.storage_key = name  # the fixture files are renamed from their uuid keys
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        assert same_value(result.get(), cases.expected_read(name))


def test_reading_prefect_pickles_warns_about_the_cloudpickle_version(monkeypatch):
    import cloudpickle

    monkeypatch.setattr(cloudpickle, "__version__", "9.9.9", raising=False)
    factory = ResultFactory(False, True, LocalFileSystem(basepath=str(cases.FROM_PREFECT)))
    with pytest.warns(
        RuntimeWarning, match="Found 9.9.9 in the environment but 2.2.1 was requested"
    ):
        assert factory.read("pickle__int") == 42


# ------------------------------------------------------------------ prefect-compat -> 2.6.9


def payload(description, data):
    """The innermost serializer's output under any compression layers."""
    while "compressionlib" in description:
        data = _DECOMPRESS[description["compressionlib"]](base64.decodebytes(data))
        description = description["serializer"]
    return description, data


def without_versions(description):
    """A serializer description with picklelib_version left out (ours is our cloudpickle's)."""
    description = dict(description)
    if description.get("type") == "pickle":
        description.pop("picklelib_version")
    if "serializer" in description:
        description["serializer"] = without_versions(description["serializer"])
    return description


def assert_equivalent(ours: bytes, theirs: bytes):
    mine, other = json.loads(ours), json.loads(theirs)
    assert list(mine) == ["serializer", "data", "prefect_version"]
    assert ours == json.dumps(mine).encode()  # json's default separators, nothing else
    assert without_versions(mine["serializer"]) == without_versions(other["serializer"])
    inner, mine_data = payload(mine["serializer"], mine["data"].encode())
    _, other_data = payload(other["serializer"], other["data"].encode())
    if inner["type"] != "pickle":
        assert mine_data == as_written_here(other_data)
        return
    lib = cloudpickle if inner["picklelib"] == "cloudpickle" else pickle
    mine_value = lib.loads(base64.decodebytes(mine_data))
    assert same_value(mine_value, lib.loads(base64.decodebytes(other_data)))
    # Exact bytes, except where the process decides: stdlib pickle's default protocol
    # belongs to the Python version, so does the module of a Path (above), and libraries
    # such as tblib (loaded by distributed) register their own reducers for exceptions.
    if (
        inner["picklelib"] == "cloudpickle"
        and not isinstance(mine_value, BaseException)
        and exact_pickle_expected(base64.decodebytes(other_data))
    ):
        assert mine_data == other_data


@pytest.fixture(scope="module")
def written_today(tmp_path_factory):
    """Every case written once by today's code (its own PREFECT_HOME for the registry)."""
    directory = tmp_path_factory.mktemp("written-today")
    home = {settings.PREFECT_HOME: str(directory / "home")}
    with settings.temporary_settings(updates=home):
        cases.write(str(directory / "docs"))
    return directory / "docs"


@pytest.mark.parametrize("name", NAMES)
def test_what_we_write_has_prefect_2_6_9s_fields_and_encodings(written_today, name):
    assert_equivalent((written_today / name).read_bytes(), (cases.FROM_PREFECT / name).read_bytes())
    assert json.loads((written_today / name).read_bytes())["prefect_version"].startswith(
        "2.6.9+compat."
    )


@pytest.mark.parametrize("name", NAMES)
def test_committed_documents_real_2_6_9_read_are_what_we_write(written_today, name):
    assert_equivalent((written_today / name).read_bytes(), (cases.FROM_COMPAT / name).read_bytes())
    record = READ_BY_PREFECT[name]
    assert record["serializer_type"] == COMPAT_MANIFEST[name]["serializer_type"]
    assert record["blob_serializer_type"] == record["serializer_type"]
    if name.startswith("orjson__"):
        assert record["value"] == "<TypeError: orjson.loads() takes no keyword arguments>"
    else:
        assert record["value"] == repr(cases.expected_read(name))


def test_pickle_data_is_exactly_prefects_for_the_same_value():
    theirs = json.loads((cases.FROM_PREFECT / "pickle__rich").read_bytes())["data"]
    ours = PickleSerializer().dumps(cases.VALUES["rich"])
    if exact_pickle_expected(base64.decodebytes(theirs.encode())):
        assert ours.decode() == theirs
    else:  # a Python that names the Path class differently (see PATH_MODULE)
        mine = cloudpickle.loads(base64.decodebytes(ours))
        assert same_value(mine, cloudpickle.loads(base64.decodebytes(theirs.encode())))
