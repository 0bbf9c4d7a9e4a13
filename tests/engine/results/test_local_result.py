"""LocalResult: Prefect's directory rules, locations before/after a write, containment,
and atomic writes (a failed write leaves no file, final or temporary)."""

from __future__ import annotations

import os

import cloudpickle
import pytest

import prefect_compat
from prefect_compat import Flow, task
from prefect_compat._storage.base import StorageError
from prefect_compat.engine.results import LocalResult
from prefect_compat.engine.serializers import JSONSerializer, PickleSerializer, Serializer


@pytest.fixture
def home(tmp_path, monkeypatch):
    """`config.home_dir` points at a fresh directory for this test (PREFECT__HOME_DIR)."""
    home = tmp_path / "prefect-home"
    monkeypatch.setitem(prefect_compat.config, "home_dir", str(home))
    return home


def listing(root):
    """Every file under `root`, relative, including hidden temporary files."""
    found = []
    for dirpath, _, files in os.walk(root):
        found += [os.path.relpath(os.path.join(dirpath, name), root) for name in files]
    return sorted(found)


# -- default directory rules ---------------------------------------------------------------


def test_no_dir_means_home_dir_results_and_it_is_created(home):
    result = LocalResult()
    assert result.dir == str(home / "results")
    assert (home / "results").is_dir()


def test_a_dir_inside_home_dir_is_replaced_by_home_dir_results(home):
    """Surprise 5: any dir inside home_dir means `<home_dir>/results`."""
    assert LocalResult(dir=str(home / "custom")).dir == str(home / "results")
    assert LocalResult(dir=str(home / "a" / "b")).dir == str(home / "results")
    assert LocalResult(dir=str(home)).dir == str(home / "results")
    assert not (home / "custom").exists()


def test_tilde_home_dir_and_dir_are_expanded_before_comparing(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setitem(prefect_compat.config, "home_dir", "~/.prefect")
    result = LocalResult(dir="~/.prefect/custom")
    assert result.dir == str(tmp_path / ".prefect" / "results")


def test_a_dir_outside_home_dir_is_kept(home, tmp_path):
    outside = tmp_path / "elsewhere" / "results"
    result = LocalResult(dir=str(outside))
    assert result.dir == str(outside)
    assert outside.is_dir()


def test_a_sibling_whose_name_starts_like_home_dir_is_not_inside_it(home, tmp_path):
    sibling = tmp_path / "prefect-home-other"
    assert LocalResult(dir=str(sibling)).dir == str(sibling)


def test_validate_dir_makes_a_relative_dir_absolute_and_creates_it(home, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = LocalResult(dir="rel/out")
    assert result.dir == str(tmp_path / "rel" / "out")
    assert (tmp_path / "rel" / "out").is_dir()


def test_validate_dir_false_stores_the_dir_as_given_and_creates_nothing(
    home, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    result = LocalResult(dir="rel/out", validate_dir=False)
    assert result.dir == "rel/out"
    assert not (tmp_path / "rel").exists()
    written = result.write(5, task_name="t")  # the directory is made on the first write
    assert os.path.isabs(written.location)
    assert written.location.startswith(str(tmp_path / "rel" / "out"))
    assert result.read(written.location).value == 5


def test_validate_dir_false_still_applies_the_home_dir_rule(home):
    assert LocalResult(dir=str(home / "x"), validate_dir=False).dir == str(home / "results")
    assert not (home / "results").exists()


def test_default_location_is_a_timestamped_file_in_dir(tmp_path):
    result = LocalResult(dir=str(tmp_path))
    location = result.default_location
    assert os.path.dirname(location) == str(tmp_path)
    assert os.path.basename(location).startswith("prefect-result-")
    assert result.default_location != location  # unique even within one microsecond


def test_equality_includes_the_dir(tmp_path):
    assert LocalResult(dir=str(tmp_path / "a")) == LocalResult(dir=str(tmp_path / "a"))
    assert LocalResult(dir=str(tmp_path / "a")) != LocalResult(dir=str(tmp_path / "b"))
    assert repr(LocalResult(dir=str(tmp_path), value=123)) == "<LocalResult: 123>"


# -- locations ---------------------------------------------------------------------------


def test_location_is_absolute_after_a_write(tmp_path):
    """Surprise 4, first half."""
    template = LocalResult(dir=str(tmp_path), location="{task_name}/out.pkl")
    written = template.write({"a": 1}, task_name="t")
    assert written.location == str(tmp_path / "t" / "out.pkl")
    assert template.location == "{task_name}/out.pkl"
    assert cloudpickle.loads((tmp_path / "t" / "out.pkl").read_bytes()) == {"a": 1}


def checkpointed(result, value):
    """The state of task `produce`, returning `value` through `result`, in a flow run
    with checkpointing on."""

    @task(result=result)
    def produce():
        return value

    with Flow("checkpointed") as flow:
        out = produce()

    return flow.run(context={"checkpointing": True}).result[out]


def test_location_is_absolute_after_a_checkpoint_in_a_flow_run(tmp_path):
    state = checkpointed(LocalResult(dir=str(tmp_path), location="{task_name}.pkl"), 42)
    assert state._result.location == str(tmp_path / "produce.pkl")
    assert state.result == 42


def test_a_subclass_that_overrides_format_decides_where_the_write_goes(tmp_path):
    class Dated(LocalResult):
        def format(self, **kwargs):
            new = self.copy()
            new.location = "fixed-" + self.location.format(**kwargs)
            return new

    state = checkpointed(Dated(dir=str(tmp_path), location="{task_name}.pkl"), 7)
    assert state._result.location == str(tmp_path / "fixed-produce.pkl")
    assert cloudpickle.loads((tmp_path / "fixed-produce.pkl").read_bytes()) == 7


def test_a_subclass_that_overrides_copy_gets_its_copy_on_write(tmp_path):
    class Tagged(LocalResult):
        def copy(self):
            new = super().copy()
            new.tag = "copied"
            return new

    written = Tagged(dir=str(tmp_path), location="{x}.pkl").write(1, x="a")
    assert written.tag == "copied"
    assert written.location == str(tmp_path / "a.pkl")


def test_inputs_named_value_or_result_fill_the_template(tmp_path):
    written = LocalResult(dir=str(tmp_path), location="{value}-{result}.pkl").write(
        3, value="v", result="r"
    )
    assert written.location == str(tmp_path / "v-r.pkl")


def test_location_stays_relative_after_a_target_hit(tmp_path):
    """Surprise 4, second half: a target hit keeps the relative location read."""
    LocalResult(dir=str(tmp_path)).write("stored earlier", task_name="x")  # unrelated file
    (tmp_path / "hit.pkl").write_bytes(cloudpickle.dumps("from disk"))
    calls = []

    @task(result=LocalResult(dir=str(tmp_path)), target="hit.pkl")
    def cached():
        calls.append(1)
        return "recomputed"

    with Flow("target") as flow:
        out = cached()

    state = flow.run()
    assert calls == []
    assert state.result[out].is_cached()
    assert state.result[out].result == "from disk"
    assert state.result[out]._result.location == "hit.pkl"


def test_an_absolute_location_outside_dir_is_used_as_given(tmp_path):
    other = tmp_path / "other" / "abs.pkl"
    written = LocalResult(dir=str(tmp_path / "root"), location=str(other)).write(3)
    assert written.location == str(other)
    assert LocalResult(dir=str(tmp_path / "root")).read(str(other)).value == 3


@pytest.mark.parametrize("location", ["../escape.pkl", "a/../../escape.pkl"])
def test_a_location_escaping_dir_is_refused_and_nothing_is_written(tmp_path, location):
    root = tmp_path / "root"
    result = LocalResult(dir=str(root), location=location)
    with pytest.raises(StorageError, match=r"escapes the result directory.*no '\.\.'"):
        result.write(1)
    with pytest.raises(StorageError, match="escapes"):
        result.read(location)
    with pytest.raises(StorageError, match="escapes"):
        result.exists(location)
    assert listing(tmp_path) == []


def test_a_templated_location_that_escapes_fails_the_task(tmp_path):
    @task(result=LocalResult(dir=str(tmp_path / "root"), location="{name}.pkl"))
    def save(name):
        return name

    with Flow("escape") as flow:
        out = save("../../outside")

    state = flow.run(context={"checkpointing": True})
    assert state.result[out].is_failed()
    assert "escapes the result directory" in state.result[out].message
    assert "task 'save'" in state.result[out].message
    assert listing(tmp_path) == []


def test_dotdot_that_stays_inside_dir_is_allowed(tmp_path):
    written = LocalResult(dir=str(tmp_path), location="a/../b.pkl").write(1)
    assert written.location == str(tmp_path / "b.pkl")


# -- atomic writes -------------------------------------------------------------------------


class BrokenSerializer(Serializer):
    def serialize(self, value):
        raise RuntimeError("serializer exploded")

    def deserialize(self, value):
        raise AssertionError("never called")


class NotBytesSerializer(Serializer):
    """Returns text: the failure happens inside the file write, after the temp file exists."""

    def serialize(self, value):
        return "not bytes"

    def deserialize(self, value):
        raise AssertionError("never called")


def test_a_failing_serializer_leaves_no_file(tmp_path):
    result = LocalResult(dir=str(tmp_path), location="out.pkl", serializer=BrokenSerializer())
    with pytest.raises(TypeError, match=r"int.*BrokenSerializer.*out\.pkl.*serializer exploded"):
        result.write(1)
    assert listing(tmp_path) == []


def test_a_failure_inside_the_file_write_leaves_no_temp_file(tmp_path):
    result = LocalResult(dir=str(tmp_path), location="sub/out.pkl", serializer=NotBytesSerializer())
    with pytest.raises(TypeError):
        result.write(1)
    assert listing(tmp_path) == []


def test_a_failed_rewrite_keeps_the_previous_complete_file(tmp_path):
    LocalResult(dir=str(tmp_path), location="keep.pkl").write("old")
    broken = LocalResult(dir=str(tmp_path), location="keep.pkl", serializer=NotBytesSerializer())
    with pytest.raises(TypeError):
        broken.write("new")
    assert listing(tmp_path) == ["keep.pkl"]
    assert cloudpickle.loads((tmp_path / "keep.pkl").read_bytes()) == "old"


def test_a_failing_serializer_in_a_flow_run_fails_the_task_without_a_file(tmp_path):
    @task(
        result=LocalResult(
            dir=str(tmp_path), location="{task_name}.pkl", serializer=BrokenSerializer()
        )
    )
    def produce():
        return {"k": 1}

    with Flow("broken") as flow:
        out = produce()

    state = flow.run(context={"checkpointing": True})
    assert state.result[out].is_failed()
    assert "dict" in state.result[out].message
    assert "task 'produce'" in state.result[out].message
    assert listing(tmp_path) == []


def test_json_serializer_writes_text(tmp_path):
    result = LocalResult(dir=str(tmp_path), location="v.json", serializer=JSONSerializer())
    result.write([1, "a"])
    assert (tmp_path / "v.json").read_bytes() == b'[1, "a"]'
    assert isinstance(LocalResult(dir=str(tmp_path)).serializer, PickleSerializer)


def test_reading_a_missing_file_raises_a_file_not_found_error_naming_it(tmp_path):
    """Prefect's LocalResult.read lets open()'s FileNotFoundError out; ours says more
    and is still one, so `except FileNotFoundError` keeps working."""
    with pytest.raises(FileNotFoundError, match=r"No result found at location 'nope\.pkl'"):
        LocalResult(dir=str(tmp_path)).read("nope.pkl")


def test_a_location_that_names_a_directory_is_refused_and_nothing_is_written(tmp_path):
    """Prefect fails with IsADirectoryError; ours says why, before writing anything."""
    result = LocalResult(dir=str(tmp_path), location="sub/")
    with pytest.raises(StorageError, match=r"'sub/' names a directory"):
        result.write(1)
    assert list(tmp_path.iterdir()) == []
