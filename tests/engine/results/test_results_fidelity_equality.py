"""Result equality, probed against Prefect 1.4.1 (numpy/pandas values, NaN, extra attributes)."""

from __future__ import annotations

from prefect_compat.engine.result import Result
from prefect_compat.engine.results import LocalResult, PrefectResult


class Mask:
    """What `array == array` returns: element-wise flags, combined with `&`, no bool()."""

    def __init__(self, flags):
        self.flags = tuple(flags)

    def __and__(self, other):
        other_flags = other.flags if isinstance(other, Mask) else (other,) * len(self.flags)
        return Mask(a and b for a, b in zip(self.flags, other_flags))

    __rand__ = __and__

    def __bool__(self):
        raise ValueError("The truth value of a Mask is ambiguous")


class Column:
    """A stand-in array: `==` compares element-wise, like numpy and pandas."""

    def __init__(self, *items):
        self.items = items

    def __eq__(self, other):
        return Mask(a == b for a, b in zip(self.items, other.items))

    __hash__ = None


def test_array_like_values_compare_element_wise_instead_of_raising():
    same = Result(Column(1, 2)) == Result(Column(1, 2))
    assert isinstance(same, Mask)
    assert same.flags == (True, True)
    differ = Result(Column(1, 2)) == Result(Column(1, 3))
    assert differ.flags == (True, False)


def test_nan_values_are_never_equal_even_when_the_same_object():
    nan = float("nan")
    assert Result(nan) != Result(nan)
    assert Result(1.0) == Result(1.0)


def test_only_the_left_results_public_attributes_are_compared():
    plain, extended = Result(1), Result(1)
    extended.extra = 5
    assert (plain == extended) is True
    assert (extended == plain) is False
    hidden = Result(1)
    hidden._cache = object()
    assert hidden == Result(1)


def test_types_locations_and_serializers_still_decide():
    assert Result(1, "a") != Result(1, "b")
    assert Result(1) != PrefectResult(value=1)
    here = LocalResult(dir="/tmp", validate_dir=False)
    assert here == LocalResult(dir="/tmp", validate_dir=False)
    assert here != LocalResult(dir="/var", validate_dir=False)
    assert Result(1, serializer="json") != Result(1)
