"""State taxonomy: constructors, predicates, class helpers, equality, loading results.

Expected values come from API_SURFACE.md §4 and probes of Prefect 1.4.1.
"""

from __future__ import annotations

import pickle
import threading
from datetime import datetime, timedelta, timezone

import cloudpickle
import pytest

from prefect_compat.engine import state as S
from prefect_compat.engine.result import NoResult, Result
from prefect_compat.engine.results import PrefectResult

ALL_PUBLIC = [
    "Pending",
    "Scheduled",
    "Paused",
    "Resume",
    "Retrying",
    "ClientFailed",
    "Submitted",
    "Queued",
    "Running",
    "Cancelling",
    "Finished",
    "Looped",
    "Success",
    "Cached",
    "Mapped",
    "Skipped",
    "Cancelled",
    "Failed",
    "TimedOut",
    "TriggerFailed",
    "ValidationFailed",
]


# -- hierarchy and class helpers ------------------------------------------------------


def test_children_lists_public_subclasses_depth_first_in_prefect_order():
    assert S.State.children(names_only=True) == ALL_PUBLIC
    assert S.State.children(include_self=True, names_only=True) == [*ALL_PUBLIC, "State"]
    assert S.Failed.children() == [S.TimedOut, S.TriggerFailed, S.ValidationFailed]


def test_children_hides_private_meta_state_but_not_its_subclasses():
    names = S.State.children(names_only=True)
    assert "_MetaState" not in names
    assert S._MetaState.children(names_only=True) == ["ClientFailed", "Submitted", "Queued"]


def test_parents_are_public_ancestors_nearest_first():
    assert S.Success.parents(names_only=True) == ["Finished", "State"]
    assert S.Cached.parents(include_self=True, names_only=True) == [
        "Success",
        "Finished",
        "State",
        "Cached",
    ]
    assert S.Submitted.parents() == [S.State]
    assert S.State.parents() == []


@pytest.mark.parametrize(
    ("name", "color"),
    [
        ("State", "#696969"),
        ("Pending", "#7ebdff"),
        ("Scheduled", "#ffab00"),
        ("Paused", "#99a8e8"),
        ("Retrying", "#f66a0a"),
        ("Queued", "#ffea7f"),
        ("Running", "#3d67ff"),
        ("Cancelling", "#E8E8E8"),
        ("Success", "#28a745"),
        ("Cached", "#34d058"),
        ("Skipped", "#62757f"),
        ("Failed", "#eb0000"),
        ("TimedOut", "#ff4e33"),
        ("TriggerFailed", "#ff5131"),
        ("Cancelled", "#bdbdbd"),
    ],
)
def test_colors_match_prefect(name, color):
    assert getattr(S, name).color == color


def test_classes_live_in_the_public_module():
    assert S.Success.__module__ == "prefect_compat.engine.state"
    assert S.Success.__qualname__ == "Success"


# -- predicates -----------------------------------------------------------------------

PREDICATE_TRUE_FOR = {
    "is_pending": {"Pending", "Scheduled", "Paused", "Resume", "Retrying"},
    "is_scheduled": {"Scheduled", "Paused", "Resume", "Retrying", "Queued"},
    "is_retrying": {"Retrying"},
    "is_running": {"Running", "Cancelling"},
    "is_cached": {"Cached"},
    "is_finished": {
        "Finished",
        "Looped",
        "Success",
        "Cached",
        "Mapped",
        "Skipped",
        "Cancelled",
        "Failed",
        "TimedOut",
        "TriggerFailed",
        "ValidationFailed",
    },
    "is_looped": {"Looped"},
    "is_submitted": {"Submitted"},
    "is_queued": {"Queued"},
    "is_skipped": {"Skipped"},
    "is_successful": {"Success", "Cached", "Mapped", "Skipped"},
    "is_failed": {"Failed", "TimedOut", "TriggerFailed", "ValidationFailed"},
    "is_mapped": {"Mapped"},
    "is_meta_state": {"ClientFailed", "Submitted", "Queued"},
}


@pytest.mark.parametrize("predicate", sorted(PREDICATE_TRUE_FOR))
def test_predicates_are_isinstance_checks(predicate):
    true_for = {n for n in ["State", *ALL_PUBLIC] if getattr(getattr(S, n)(), predicate)()}
    assert true_for == PREDICATE_TRUE_FOR[predicate]


# -- construction ---------------------------------------------------------------------


def test_only_left_out_counts_are_read_from_the_context():
    import prefect_compat

    with prefect_compat.context(task_run_count=4, task_loop_count=3, task_tags={"a"}):
        retrying, looped, success = S.Retrying(), S.Looped(), S.Success()
    assert retrying.run_count == 4  # as Prefect (see test_state_fidelity_counts.py)
    assert looped.loop_count == 3
    assert success.context == {}  # Prefect copies the tags in; we do not
    assert success.cached_inputs == {}


def test_each_state_gets_its_own_context_dict():
    first, second = S.Success(), S.Success()
    first.context["k"] = 1
    assert second.context == {}


def test_explicit_falsy_counts_are_kept():
    assert S.Retrying(run_count=0).run_count == 0
    assert S.Looped(loop_count=0).loop_count == 0
    assert S.Retrying(run_count=3).run_count == 3


def test_scheduled_like_states_default_start_time_to_now_utc():
    before = datetime.now(timezone.utc)
    for cls in (S.Scheduled, S.Resume, S.Retrying, S.Queued):
        start = cls().start_time
        assert start.tzinfo is not None
        assert before <= start <= datetime.now(timezone.utc)


def test_paused_defaults_to_no_start_time():
    assert S.Paused().start_time is None


def test_naive_times_are_taken_as_utc_and_aware_times_kept():
    naive = datetime(2020, 1, 1, 12)
    assert S.Scheduled(start_time=naive).start_time == datetime(2020, 1, 1, 12, tzinfo=timezone.utc)
    plus2 = datetime(2020, 1, 1, tzinfo=timezone(timedelta(hours=2)))
    assert S.Scheduled(start_time=plus2).start_time.utcoffset() == timedelta(hours=2)
    cached = S.Cached(cached_result_expiration=naive)
    assert cached.cached_result_expiration.tzinfo is timezone.utc
    assert S.Paused(start_time=naive).start_time.tzinfo is timezone.utc


def test_positional_arguments_follow_prefect_order_per_family():
    inputs = {"x": Result(1)}
    pending = S.Pending("m", 1, inputs, {"c": 1})
    assert (pending.cached_inputs, pending.context) == (inputs, {"c": 1})
    success = S.Success("m", 1, {"c": 1}, inputs)
    assert (success.context, success.cached_inputs) == ({"c": 1}, inputs)
    failed = S.Failed("m", 1, inputs, {"c": 1})
    assert (failed.cached_inputs, failed.context) == (inputs, {"c": 1})
    when = datetime(2020, 1, 1, tzinfo=timezone.utc)
    assert S.Scheduled("m", None, when).start_time == when
    assert S.Looped("m", None, 4).loop_count == 4
    assert S.Queued("m", None, S.Running(), when).start_time == when


def test_cached_and_mapped_fields():
    cached = S.Cached(cached_parameters={"p": 1}, hashed_inputs={"x": "tok"})
    assert cached.cached_parameters == {"p": 1}
    assert cached.hashed_inputs == {"x": "tok"}
    assert cached.cached_result_expiration is None
    assert S.Mapped().map_states == []


def test_n_map_states_is_explicit_width_when_truthy_else_child_count():
    children = [S.Success(result=1), S.Success(result=2)]
    assert S.Mapped(map_states=children).n_map_states == 2
    assert S.Mapped(map_states=children, n_map_states=5).n_map_states == 5
    assert S.Mapped(map_states=children, n_map_states=0).n_map_states == 2
    mapped = S.Mapped()
    mapped.n_map_states = 3
    assert mapped.n_map_states == 3


def test_meta_state_unwraps_nested_meta_states():
    inner = S.Retrying()
    assert S.Submitted(state=S.Queued(state=inner)).state is inner
    submitted = S.Submitted(state=S.Success())
    failed = S.Failed()
    submitted.state = S.Queued(state=failed)
    assert submitted.state is failed


# -- result ---------------------------------------------------------------------------


def test_no_result_by_default_and_for_explicit_none():
    assert S.State()._result is NoResult
    assert S.State(result=None)._result is NoResult
    assert S.State().result is None


def test_result_values_are_wrapped_and_results_kept():
    given = Result(3, location="here")
    assert S.Success(result=given)._result is given
    wrapped = S.Success(result=5)._result
    assert type(wrapped) is Result
    assert wrapped.value == 5


def test_result_setter_wraps_everything_that_is_not_a_result_including_none():
    state = S.Success()
    state.result = 5
    assert repr(state._result) == "<Result: 5>"
    state.result = None
    assert repr(state._result) == "<Result: None>"
    state.result = NoResult
    assert state._result is NoResult


def test_mapped_result_is_settable_to_the_children_results():
    mapped = S.Mapped(map_states=[S.Success(result=1), S.Success(result=2)])
    assert mapped.result is None
    mapped.result = [1, 2]
    assert mapped.result == [1, 2]


# -- repr / equality / hash -----------------------------------------------------------


def test_repr_quotes_str_of_message_without_escaping():
    assert repr(S.Success("hi")) == '<Success: "hi">'
    assert repr(S.Success()) == "<Success>"
    assert repr(S.Success("")) == '<Success: "">'
    assert repr(S.Failed(message=ValueError("x"))) == '<Failed: "x">'
    assert repr(S.TriggerFailed('a "q"')) == '<TriggerFailed: "a "q"">'
    assert str(S.Success("hi")) == '<Success: "hi">'


def test_equality_ignores_message_and_context_and_compares_result_values():
    assert S.Success(result=1) == S.Success(result=1, message="other", context={"a": 1})
    assert S.Success(result=1) == S.Success(result=Result(1))
    assert S.Success(result=Result(1, location="a")) == S.Success(result=Result(1, location="b"))
    assert S.Success() == S.Success(result=None)
    assert S.Success(result=1) != S.Success(result=2)


def test_equality_needs_the_exact_same_class():
    assert S.Success(result=1) != S.Cached(result=1)
    assert S.Success(result=1) != 1


def test_equality_compares_public_attributes():
    assert S.Success(cached_inputs={"a": Result(1)}) != S.Success(cached_inputs={"a": Result(2)})
    assert S.Mapped(map_states=[S.Success(result=1)]) != S.Mapped(map_states=[S.Success(result=2)])
    assert S.Looped(loop_count=2) != S.Looped(loop_count=3)
    # private fields do not count: the wrapped state and the explicit map width
    assert S.Submitted(state=S.Success()) == S.Submitted(state=S.Failed())
    assert S.Mapped(n_map_states=3) == S.Mapped(n_map_states=4)


def test_equality_with_an_extra_attribute_is_symmetric():
    tagged, plain = S.Success(result=1), S.Success(result=1)
    tagged.extra = "x"
    assert tagged != plain
    assert plain != tagged


def test_hash_is_identity_so_equal_states_are_distinct_members():
    first, second = S.Success(result=1), S.Success(result=1)
    assert first == second
    assert len({first, second}) == 2
    assert hash(first) != hash(second)


# -- pickling -------------------------------------------------------------------------


class _LockedError(Exception):
    def __init__(self) -> None:
        super().__init__("boom")
        self.lock = threading.Lock()


@pytest.mark.parametrize("dumps", [pickle.dumps, cloudpickle.dumps])
def test_unpicklable_exception_result_is_pickled_as_a_description(dumps):
    error = _LockedError()
    state = S.Failed("failed", result=error)
    copy = pickle.loads(dumps(state))
    assert copy.result.startswith("The following exception could not be pickled due to TypeError")
    assert copy.result.endswith(": _LockedError('boom')")
    assert copy.message == "failed"
    assert state.result is error


def test_picklable_results_round_trip_unchanged():
    state = S.Failed("f", result=ValueError("x"), context={"c": 1})
    copy = pickle.loads(pickle.dumps(state))
    assert type(copy) is S.Failed
    assert repr(copy.result) == "ValueError('x')"
    assert copy.context == {"c": 1}
    mapped = pickle.loads(pickle.dumps(S.Mapped(map_states=[S.Success(result=1)], n_map_states=1)))
    assert mapped.map_states == [S.Success(result=1)]


# -- loading results ------------------------------------------------------------------


def test_load_result_reads_the_known_location_with_the_given_reader():
    state = S.Success(result=Result(location="42"))
    assert state.load_result(PrefectResult()) is state
    assert state.result == 42
    assert type(state._result) is PrefectResult
    assert state._result.location == "42"


def test_load_result_uses_the_state_own_result_by_default():
    state = S.Success(result=PrefectResult(location='"hi"'))
    assert state.load_result().result == "hi"


def test_load_result_keeps_known_values_and_locationless_results():
    with_value = S.Success(result=Result(value=0, location="not json"))
    assert with_value.load_result(PrefectResult()).result == 0
    no_location = S.Success(result=Result())
    assert no_location.load_result(PrefectResult())._result == Result()


def test_load_result_with_the_base_result_points_at_result_subclasses():
    state = S.Success(result=Result(location="somewhere"))
    with pytest.raises(NotImplementedError, match="storage-backed Result"):
        state.load_result()


def test_mapped_load_result_loads_children_and_rebuilds_the_list():
    mapped = S.Mapped(map_states=[S.Success(result=Result(location="[1, 2]")), S.Success(result=7)])
    assert mapped.load_result(PrefectResult()) is mapped
    assert mapped.result == [[1, 2], 7]
    assert mapped.map_states[0].result == [1, 2]


def test_mapped_load_result_with_no_children_leaves_the_result_alone():
    assert S.Mapped().load_result().result is None


def test_load_cached_results_per_input_with_optional_readers():
    state = S.Success(
        cached_inputs={
            "stored": PrefectResult(location="5"),
            "known": Result(3),
            "reader_location": Result(),
            "nothing": Result(),
        }
    )
    readers = {"reader_location": PrefectResult(location='"r"')}
    assert state.load_cached_results(readers) is state
    loaded = state.cached_inputs
    assert (loaded["stored"].value, loaded["stored"].location) == (5, "5")
    assert loaded["known"].value == 3
    assert (loaded["reader_location"].value, loaded["reader_location"].location) == ("r", '"r"')
    assert loaded["nothing"] == Result()


class _Ambiguous:
    """What comparing two DataFrames returns: no truth value, but `&` works."""

    def __bool__(self):
        raise ValueError("The truth value of a frame is ambiguous.")

    def __and__(self, other):
        return self

    __rand__ = __and__


class _Frame:
    def __eq__(self, other):
        return _Ambiguous()

    __hash__ = None


def test_states_holding_dataframe_like_results_compare_element_wise():
    """As in 1.4.1, where `Success(result=df) == Success(result=df)` gives a frame."""
    compared = S.Success(result=_Frame()) == S.Success(result=_Frame())
    assert isinstance(compared, _Ambiguous)


def test_a_safe_result_is_kept_as_the_state_result_as_0_13_keeps_it():
    from prefect_compat.engine.result.base import SafeResult

    safe = SafeResult("s3://bucket/key", result_handler=None)
    for state in (S.Success(result=safe), S.Success()):
        if state.result is None:
            state.result = safe
        assert state._result is safe
        assert state.result == "s3://bucket/key"


def test_state_times_print_as_prefects_pendulum_times():
    """Scheduled/Retrying start times and Cached expirations print with a "T", as the
    pendulum DateTimes of Prefect 1.4.1 do, and still equal the datetimes given."""
    given = datetime(2021, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    for value in (
        S.Scheduled(start_time=given).start_time,
        S.Retrying(start_time=given.replace(tzinfo=None)).start_time,
        S.Cached(cached_result_expiration=given).cached_result_expiration,
    ):
        assert value == given and isinstance(value, datetime)
        assert str(value) == "2021-01-02T03:04:05+00:00"
    assert "T" in str(S.Scheduled().start_time)
