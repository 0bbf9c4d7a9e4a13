"""Lazy results (`_engine/lazy.py`): read on first use, the same class all along."""

from __future__ import annotations

import pickle

import cloudpickle
import pytest

from prefect_compat._engine.lazy import CheckpointLost, gathered_lazily, is_lazy, lazy
from prefect_compat.engine.results import LocalResult
from prefect_compat.engine.state import Success
from prefect_compat.serialization.result import dump_result


def stored(tmp_path, value, name="v.pkl"):
    return LocalResult(dir=str(tmp_path), location=name).write(value)


def test_a_lazy_result_reads_its_checkpoint_once_and_becomes_a_plain_one(tmp_path, monkeypatch):
    written = stored(tmp_path, {"a": 1})
    reads = []
    real = LocalResult.read
    monkeypatch.setattr(LocalResult, "read", lambda self, loc: reads.append(loc) or real(self, loc))
    result = lazy(written.copy(), ("task", None))
    assert is_lazy(result) and type(result).__name__ == "LocalResult"
    assert dump_result(result)["type"] == "LocalResult"
    assert "not read yet" in repr(result) and reads == []
    assert result.value == {"a": 1}
    assert result.value == {"a": 1}
    assert type(result) is LocalResult and not is_lazy(result)
    assert len(reads) == 1
    assert result == LocalResult(dir=str(tmp_path)).read(written.location)


def test_pickling_a_state_does_not_read_it_and_the_copy_reads_on_use(tmp_path):
    written = stored(tmp_path, [1, 2, 3])
    state = Success(result=lazy(written.copy(), ("task", 2)))
    for dumps in (pickle.dumps, cloudpickle.dumps):
        copy = pickle.loads(dumps(state))
        assert is_lazy(state._result) and is_lazy(copy._result)
        assert copy.result == [1, 2, 3]
    assert is_lazy(state._result)  # the original is still unread


def test_a_missing_checkpoint_raises_checkpoint_lost_naming_the_run(tmp_path):
    written = stored(tmp_path, 5)
    (tmp_path / "v.pkl").unlink()
    state = Success(result=lazy(written.copy(), ("square-1", 3)))
    with pytest.raises(CheckpointLost) as info:
        state.result  # noqa: B018 - the read is the point
    assert info.value.origin == ("square-1", 3)
    assert "the checkpoint of task 'square-1[3]'" in str(info.value)
    assert str(tmp_path / "v.pkl") in str(info.value)
    waiting = info.value.waiting(None)
    assert waiting.is_pending() and not waiting.is_finished()


def test_a_gathered_value_is_built_when_read(tmp_path):
    children = [Success(result=lazy(stored(tmp_path, i, f"{i}.pkl"), ("t", i))) for i in range(3)]
    result = gathered_lazily(children)
    assert type(result).__name__ == "Result" and is_lazy(result)
    assert all(is_lazy(child._result) for child in children)
    assert result.value == [0, 1, 2]
    assert not is_lazy(result)
