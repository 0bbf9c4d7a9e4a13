"""PickleSerializer reuses one cloudpickle Pickler per thread (`prefect_compat._pickling`):
the bytes must be exactly what `cloudpickle.dumps` writes, dump after dump, whatever
the previous dump left behind, on every thread."""

from __future__ import annotations

import threading

import cloudpickle
import pytest

from prefect_compat import _pickling
from prefect_compat.engine.serializers import PickleSerializer

SHARED_GLOBAL = {"k": 1}


def uses_a_global():
    return SHARED_GLOBAL["k"]


class Point:
    __hash__ = None  # type: ignore[assignment]

    def __init__(self, x: int) -> None:
        self.x = x

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Point) and other.x == self.x


def values():
    shared = [1, 2]
    looped: list = [0]
    looped.append(looped)

    class Local:
        y = 3

    def closure(a):
        return a + len(shared)

    return [
        {"index": 1, "values": list(range(50))},
        [shared, shared, (shared,)],
        looped,
        uses_a_global,
        lambda v: v * 2,
        closure,
        Local,
        Local(),
        Point(4),
        ValueError("boom"),
        b"\x00" * 100,
        "text",
        None,
    ]


def test_every_dump_is_byte_for_byte_cloudpickles_in_any_order():
    serializer = PickleSerializer()
    batch = values()
    for value in batch:  # a first pickling may change a value: an exception gets a __dict__
        cloudpickle.dumps(value)
    for value in batch + batch[::-1] + batch:
        assert serializer.serialize(value) == cloudpickle.dumps(value)


def test_functions_sharing_globals_pickle_alone_each_time():
    """cloudpickle gathers the globals of a function it pickles by value in the Pickler;
    a second dump must not carry the first one's."""
    namespace = {"__name__": "not_an_importable_module", "A": 1, "B": 2}
    exec("def f():\n    return A\ndef g():\n    return B\n", namespace)  # noqa: S102
    serializer = PickleSerializer()
    first = serializer.serialize(namespace["f"])
    second = serializer.serialize(namespace["g"])
    assert first == cloudpickle.dumps(namespace["f"])
    assert second == cloudpickle.dumps(namespace["g"])
    assert cloudpickle.loads(second)() == 2
    namespace["__name__"] = "renamed_since"  # a fresh Pickler sees the module as it is now
    third = serializer.serialize(namespace["g"])
    assert third == cloudpickle.dumps(namespace["g"])
    assert cloudpickle.loads(third).__globals__["__name__"] == "renamed_since"


class PicklesAnotherValue:
    """An object whose pickling pickles something else through a serializer."""

    def __init__(self, inner):
        self.inner = inner

    def __reduce__(self):
        return (_rebuild, (PickleSerializer().serialize(self.inner),))


def _rebuild(data):
    return PicklesAnotherValue(cloudpickle.loads(data))


def test_a_value_whose_pickling_pickles_again_gets_a_fresh_pickler():
    value = PicklesAnotherValue({"deep": [1, 2, 3]})
    data = PickleSerializer().serialize(value)
    assert data == cloudpickle.dumps(value)
    assert cloudpickle.loads(data).inner == {"deep": [1, 2, 3]}
    assert PickleSerializer().serialize([1]) == cloudpickle.dumps([1])  # still reusable


def test_a_failed_dump_raises_as_cloudpickle_does_and_the_next_one_is_clean():
    serializer = PickleSerializer()
    with pytest.raises(TypeError, match="lock"):
        serializer.serialize({"a": [1, 2], "lock": threading.Lock()})
    assert serializer.serialize({"a": [1, 2]}) == cloudpickle.dumps({"a": [1, 2]})


def test_a_large_value_is_correct_and_its_buffer_is_not_kept():
    big = b"x" * (_pickling.KEEP_BELOW + 10)
    data = PickleSerializer().serialize(big)
    assert data == cloudpickle.dumps(big)
    assert _pickling._slot.buffer is None  # dropped: no megabyte buffer kept around
    assert PickleSerializer().serialize(5) == cloudpickle.dumps(5)
    assert _pickling._slot.buffer is not None


def test_threads_each_get_their_own_pickler():
    batch = values()[:3] + [Point(i) for i in range(20)]
    expected = [cloudpickle.dumps(v) for v in batch]
    wrong: list = []

    def work():
        serializer = PickleSerializer()
        for _ in range(200):
            got = [serializer.serialize(v) for v in batch]
            if got != expected:
                wrong.append(got)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert wrong == []


def test_an_unknown_cloudpickle_pickler_is_never_reused(monkeypatch):
    calls = []
    real = cloudpickle.dumps
    monkeypatch.setattr(_pickling, "_reusable", [False])
    monkeypatch.setattr(_pickling._slot, "pickler", None)
    monkeypatch.setattr(cloudpickle, "dumps", lambda v: calls.append(v) or real(v))
    assert PickleSerializer().serialize([7]) == real([7])
    assert calls == [[7]]
