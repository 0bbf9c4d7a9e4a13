"""Edge annotations: mapped / unmapped / flatten, nesting, and how bindings read them."""

from __future__ import annotations

from prefect_compat import flatten, mapped, unmapped
from prefect_compat.utilities.edges import EdgeAnnotation, strip_annotations


def test_annotations_carry_value_and_flags():
    assert isinstance(unmapped(3), EdgeAnnotation)
    assert (unmapped(3).value, unmapped(3).annotations) == (3, {"mapped": False})
    assert mapped(3).annotations == {"mapped": True}
    assert flatten(3).annotations == {"flattened": True}
    assert repr(unmapped([1])) == "unmapped([1])"


def test_annotations_nest_and_the_inner_wins():
    both = unmapped(flatten(3))
    assert both.value == 3
    assert both.annotations == {"mapped": False, "flattened": True}
    assert flatten(unmapped(3)).annotations == {"mapped": False, "flattened": True}
    assert mapped(unmapped(3)).annotations == {"mapped": False}  # as Prefect 1.4.1


def test_strip_annotations_uses_the_call_default_for_plain_values():
    assert strip_annotations(5) == (5, False, False)
    assert strip_annotations(5, mapped=True) == (5, True, False)
    assert strip_annotations(unmapped(5), mapped=True) == (5, False, False)
    assert strip_annotations(flatten(5), mapped=True) == (5, True, True)
    assert strip_annotations(mapped(5)) == (5, True, False)
