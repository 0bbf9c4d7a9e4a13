"""The journal's batch encoder of checkpoints gives what `checkpoint_of` gives."""

from __future__ import annotations

import json

import pytest

from prefect_compat import Flow, task
from prefect_compat._journal.values import CheckpointEncoder, checkpoint_of, local_stamp
from prefect_compat.engine.results import LocalResult, PrefectResult
from prefect_compat.engine.serializers import JSONSerializer


def _written(result, value, **kwargs):
    return result.write(value, **kwargs)


@pytest.mark.parametrize(
    "location",
    ["{map_index}.pkl", "sub/{map_index}.pkl", "été-{map_index}.pkl", 'q"uote\\{map_index}'],
)
def test_children_of_one_template_encode_as_checkpoint_of_does(tmp_path, location):
    template = LocalResult(dir=str(tmp_path), location=location)
    encode = CheckpointEncoder(LocalResult)
    for index in range(3):
        written = _written(template, {"i": index}, map_index=index)
        assert encode(written) == checkpoint_of(written, LocalResult)
    text, name, stamp = encode(written)
    assert json.loads(text)["location"] == written.location
    assert name == "PickleSerializer"
    with open(written.location, "rb") as fh:
        assert stamp is not None and stamp.startswith(f"{len(fh.read())}:")


def test_results_differing_in_dir_or_serializer_are_not_mixed_up(tmp_path):
    encode = CheckpointEncoder(LocalResult)
    one = _written(LocalResult(dir=str(tmp_path / "a"), location="x"), 1)
    two = _written(LocalResult(dir=str(tmp_path / "b"), location="x"), 2)
    as_json = LocalResult(dir=str(tmp_path / "a"), location="y", serializer=JSONSerializer())
    three = _written(as_json, 3)
    for result in (one, two, three, one):
        assert encode(result) == checkpoint_of(result, LocalResult)
    assert json.loads(encode(two)[0])["dir"] == str(tmp_path / "b")
    assert encode(three)[1] == "JSONSerializer"


def test_other_results_and_missing_files_go_through_checkpoint_of(tmp_path):
    encode = CheckpointEncoder(LocalResult)
    prefect_result = PrefectResult().write(5)
    assert encode(prefect_result) == checkpoint_of(prefect_result, LocalResult)
    gone = LocalResult(dir=str(tmp_path), location="never-written.pkl")
    assert encode(gone) == checkpoint_of(gone, LocalResult)
    assert encode(gone)[2] is None


def test_the_write_notes_the_stamp_the_journal_would_read(tmp_path):
    written = LocalResult(dir=str(tmp_path), location="x.pkl").write([1, 2, 3])
    path, stamp = written.__dict__["_written"]
    assert path == written.location == str(tmp_path / "x.pkl")
    assert stamp == local_stamp(path)
    moved = written.format()  # a copy elsewhere does not reuse the stamp
    moved.location = str(tmp_path / "other.pkl")
    assert CheckpointEncoder(LocalResult)(moved)[2] is None


def test_checkpointed_children_are_one_entry_and_read_back_as_full_records(journal):
    @task
    def numbers():
        return list(range(6))

    @task(result=LocalResult(dir=str(journal.results), location="c-{map_index}.pkl"))
    def child(x):
        if x == 3:
            raise ValueError("three")
        return x

    with Flow("grouped") as flow:
        child.map(numbers())
    flow.run()
    run = journal.last()
    bodies = [json.loads(b) for (b,) in journal.sql("SELECT body FROM task_batches")]
    grouped = [e for body in bodies for e in body if len(e) == 8]
    assert [g[4] for g in grouped] == [[0, 1, 2], [4, 5]]  # the failed child splits them
    runs = journal.task_runs(run)
    for index in (0, 1, 2, 4, 5):
        record = runs[f"child-1[{index}]"]
        path = str(journal.results / f"c-{index}.pkl")
        result = LocalResult(dir=str(journal.results), location=path)
        expected_text, expected_serializer, expected_stamp = checkpoint_of(result, LocalResult)
        assert (record["state"], record["result"]) == ("Success", expected_text)
        assert (record["serializer"], record["stamp"]) == (expected_serializer, expected_stamp)
    assert runs["child-1[3]"]["state"] == "Failed" and runs["child-1[3]"]["result"] is None
