"""0.10-style result handlers: each handler on its own, the conversion to Results, the
deprecation warnings, and flows that use handlers (checkpoints, failures, bad handlers).

S3 and GCS handlers run against the real local servers (moto_server and
gcp-storage-emulator); what they stored is checked with the fixtures' own clients.
"""

from __future__ import annotations

import base64
import os
import pickle
import warnings

import cloudpickle
import pytest

import prefect_compat
from prefect_compat import Flow, Task, task
from prefect_compat._compat import handlers as compat
from prefect_compat.engine.result.base import ResultNotImplementedError
from prefect_compat.engine.result_handlers import (
    ConstantResultHandler,
    GCSResultHandler,
    JSONResultHandler,
    LocalResultHandler,
    ResultHandler,
    S3ResultHandler,
    SecretResultHandler,
)
from prefect_compat.engine.results import (
    ConstantResult,
    GCSResult,
    LocalResult,
    PrefectResult,
    S3Result,
)
from prefect_compat.engine.results.result_handler_result import ResultHandlerResult
from prefect_compat.engine.results.secret_result import SecretResult
from prefect_compat.engine.state import Failed, Success
from prefect_compat.exceptions import ResultReadError
from prefect_compat.tasks.secrets import PrefectSecret
from prefect_compat.utilities.configuration import set_temporary_config

# Conversions warn; tests that check the warnings capture them with pytest.warns.
pytestmark = pytest.mark.filterwarnings("ignore:Result Handlers are deprecated")

DEPRECATED = r"Result Handlers are deprecated; please use the new style Result classes instead\."


@pytest.fixture(autouse=True)
def fresh_warnings():
    """Each test sees every handler class warn again."""
    compat._WARNED.clear()
    yield
    compat._WARNED.clear()


class MemoryHandler(ResultHandler):
    """A custom handler: values in a dict, keys handed out in order."""

    def __init__(self):
        self.store = {}

    def write(self, result):
        key = f"mem-{len(self.store)}"
        self.store[key] = result
        return key

    def read(self, location):
        return self.store[location]


class WriteOnlyHandler(ResultHandler):
    def write(self, result):
        return "nowhere"


class BrokenHandler(ResultHandler):
    def write(self, result):
        raise OSError("disk quota exceeded on /results")

    def read(self, location):
        return None


def run_checkpointed(flow):
    with prefect_compat.context(checkpointing=True):
        return flow.run()


# -- each handler on its own ---------------------------------------------------------------


def test_local_handler_round_trips_through_an_atomic_file(tmp_path):
    handler = LocalResultHandler(dir=str(tmp_path))
    path = handler.write({"rows": [1, 2]})
    assert os.path.isabs(path) and os.path.dirname(path) == str(tmp_path)
    assert os.path.basename(path).startswith("prefect-result-")
    with open(path, "rb") as fh:
        assert cloudpickle.loads(fh.read()) == {"rows": [1, 2]}
    assert handler.read(path) == {"rows": [1, 2]}
    assert os.listdir(tmp_path) == [os.path.basename(path)]  # no temp file left behind
    assert handler.write(1) != handler.write(1)  # every write gets its own file


def test_local_handler_follows_local_result_directory_rules(tmp_path):
    home = tmp_path / "home"
    with set_temporary_config({"home_dir": str(home)}):
        assert LocalResultHandler().dir == str(home / "results")
        assert LocalResultHandler(dir=str(home / "custom")).dir == str(home / "results")
    relative = LocalResultHandler(dir="not/created", validate=False)
    assert relative.dir == "not/created"
    assert not os.path.exists("not/created")


def test_local_handler_read_errors_name_the_location(tmp_path):
    handler = LocalResultHandler(dir=str(tmp_path))
    missing = str(tmp_path / "nope")
    with pytest.raises(ResultReadError, match="nothing is stored at .*nope") as info:
        handler.read(missing)
    assert isinstance(info.value, FileNotFoundError)  # what 0.13's handler raised
    (tmp_path / "junk").write_bytes(b"\x80not a pickle")
    with pytest.raises(ResultReadError, match="cannot load .*junk.*corrupt"):
        handler.read(str(tmp_path / "junk"))


def test_json_constant_and_secret_handlers():
    json_handler = JSONResultHandler()
    assert json_handler.write({"a": [1, 2]}) == '{"a": [1, 2]}'
    assert json_handler.read('{"a": [1, 2]}') == {"a": [1, 2]}

    constant = ConstantResultHandler(value=[1, 2])
    assert constant.write("ignored") == "[1, 2]"
    assert constant.read("anything") == [1, 2]

    secret = SecretResultHandler(PrefectSecret("API_TOKEN"))
    assert secret.write("ignored") == "API_TOKEN"
    with prefect_compat.context(secrets={"API_TOKEN": "s3cr3t"}):
        assert secret.read("API_TOKEN") == "s3cr3t"


def test_handlers_compare_by_type_and_settings_and_pickle(tmp_path):
    assert LocalResultHandler(dir=str(tmp_path)) == LocalResultHandler(dir=str(tmp_path))
    assert LocalResultHandler(dir=str(tmp_path)) != LocalResultHandler(dir=str(tmp_path / "b"))
    assert JSONResultHandler() != ConstantResultHandler(None)
    assert repr(JSONResultHandler()) == "<ResultHandler: JSONResultHandler>"
    assert repr(MemoryHandler()) == "<ResultHandler: MemoryHandler>"
    handler = LocalResultHandler(dir=str(tmp_path))
    assert pickle.loads(pickle.dumps(handler)) == handler


def test_handler_classes_live_at_their_prefect_013_paths():
    from prefect_compat.engine import results

    assert results.ResultHandlerResult is ResultHandlerResult
    root = "prefect_compat.engine.result_handlers"
    assert LocalResultHandler.__module__ == f"{root}.local_result_handler"
    assert S3ResultHandler.__module__ == f"{root}.s3_result_handler"
    assert ResultHandler.__module__ == f"{root}.result_handler"
    assert ResultHandlerResult.__module__ == "prefect_compat.engine.results.result_handler_result"


def test_s3_handler_round_trips_on_moto(s3_server, s3_bucket, s3_admin):
    handler = S3ResultHandler(bucket=s3_bucket, boto3_kwargs={"endpoint_url": s3_server})
    key = handler.write({"answer": 42})
    assert key.endswith(".prefect_result") and key.count("/") == 3  # YYYY/M/D/<uuid>...
    raw = s3_admin.get_object(Bucket=s3_bucket, Key=key)["Body"].read()
    assert cloudpickle.loads(base64.b64decode(raw)) == {"answer": 42}  # 0.13's payload
    assert handler.read(key) == {"answer": 42}
    again = pickle.loads(pickle.dumps(handler))  # the client is not pickled
    assert again.read(key) == {"answer": 42}
    with pytest.raises(ResultReadError, match="nothing is stored at 'no/such/key'"):
        handler.read("no/such/key")


def test_s3_handler_takes_credentials_from_its_named_secret(s3_server, s3_bucket, monkeypatch):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(name)
    handler = S3ResultHandler(
        bucket=s3_bucket,
        aws_credentials_secret="MY_AWS",
        boto3_kwargs={"endpoint_url": s3_server, "aws_access_key_id": "ignored"},
    )
    secret = '{"ACCESS_KEY": "testing", "SECRET_ACCESS_KEY": "testing"}'
    with prefect_compat.context(secrets={"MY_AWS": secret}):
        assert handler.read(handler.write([1, 2, 3])) == [1, 2, 3]
    with pytest.raises(ValueError, match="needs the secret 'MY_AWS'.*PREFECT__CONTEXT__SECRETS"):
        handler.write(1)


def test_gcs_handler_round_trips_on_the_emulator(gcs_bucket, gcs_admin):
    handler = GCSResultHandler(bucket=gcs_bucket)
    key = handler.write(("tuple", 1))
    raw = gcs_admin.bucket(gcs_bucket).blob(key).download_as_bytes()
    assert cloudpickle.loads(base64.b64decode(raw)) == ("tuple", 1)
    assert handler.read(key) == ("tuple", 1)
    assert pickle.loads(pickle.dumps(handler)).read(key) == ("tuple", 1)


def test_gcs_handler_errors_are_clear():
    with pytest.raises(ValueError, match="no bucket"):
        GCSResultHandler().write(1)
    with pytest.raises(ValueError, match="needs the secret 'GCS_KEY'"):
        GCSResultHandler(bucket="b", credentials_secret="GCS_KEY").write(1)


# -- conversion ------------------------------------------------------------------------------


def secret_task():
    return PrefectSecret("TOKEN")


CONVERSIONS = [
    (lambda d: ConstantResultHandler(7), ConstantResult, {"value": 7}),
    (lambda d: GCSResultHandler(bucket="gb"), GCSResult, {"bucket": "gb"}),
    (lambda d: JSONResultHandler(), PrefectResult, {}),
    (lambda d: LocalResultHandler(dir=d), LocalResult, {"dir": None}),
    (
        lambda d: S3ResultHandler(bucket="sb", boto3_kwargs={"region_name": "eu-west-1"}),
        S3Result,
        {"bucket": "sb", "boto3_kwargs": {"region_name": "eu-west-1"}},
    ),
]


@pytest.mark.parametrize(("make", "result_type", "attributes"), CONVERSIONS)
def test_each_builtin_handler_becomes_its_result(tmp_path, make, result_type, attributes):
    result = ResultHandlerResult.from_result_handler(make(str(tmp_path)))
    assert type(result) is result_type
    for name, value in attributes.items():
        assert getattr(result, name) == (str(tmp_path) if value is None else value)
    assert result.location is None


def test_secret_handler_becomes_secret_result():
    secret = secret_task()
    result = compat.result_from_handler(SecretResultHandler(secret))
    assert type(result) is SecretResult
    assert result.secret_task is secret


def test_custom_handlers_are_wrapped_and_duck_typed_ones_accepted():
    handler = MemoryHandler()
    result = compat.result_from_handler(handler)
    assert type(result) is ResultHandlerResult and result.result_handler is handler

    class Duck:  # not a ResultHandler subclass, but has read and write
        def write(self, value):
            return "k"

        def read(self, location):
            return location

    assert type(compat.result_from_handler(Duck())) is ResultHandlerResult


def test_subclass_of_builtin_handler_converts_by_isinstance_and_says_so(tmp_path):
    class AuditedLocal(LocalResultHandler):
        def write(self, result):
            raise AssertionError("never called after conversion")

    with pytest.warns(DeprecationWarning, match="its own read/write are not used"):
        result = compat.result_from_handler(AuditedLocal(dir=str(tmp_path)))
    assert type(result) is LocalResult  # as in Prefect 0.13


def test_dropped_credentials_secret_is_called_out():
    with pytest.warns(UserWarning, match="does not read secret 'MY_AWS'.*AWS_CREDENTIALS"):
        compat.result_from_handler(S3ResultHandler("b", aws_credentials_secret="MY_AWS"))
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)  # the default secret name is fine
        warnings.filterwarnings("ignore", DEPRECATED)
        compat.result_from_handler(S3ResultHandler("b", aws_credentials_secret="AWS_CREDENTIALS"))


def test_things_that_are_not_handlers_are_refused():
    with pytest.raises(TypeError, match="got the Result <LocalResult: None>.*result=LocalResult"):
        compat.result_from_handler(LocalResult(dir="/tmp"))
    with pytest.raises(TypeError, match=r"got the class JSONResultHandler; pass an instance"):
        compat.result_from_handler(JSONResultHandler)
    with pytest.raises(TypeError, match=r"WriteOnlyHandler does not implement read\(\)"):
        compat.result_from_handler(WriteOnlyHandler())
    with pytest.raises(TypeError, match=r"does not implement write\(\)"):
        compat.result_from_handler(object())


def test_result_handler_result_delegates_to_the_handler():
    handler = MemoryHandler()
    template = ResultHandlerResult(handler)
    written = template.write({"x": 1}, task_name="ignored")
    assert (written.location, written.value) == ("mem-0", {"x": 1})
    assert template.location is None and template.value is None  # receiver unchanged
    loaded = template.read("mem-0")
    assert (loaded.location, loaded.value) == ("mem-0", {"x": 1})
    assert ResultHandlerResult(MemoryHandler()) == ResultHandlerResult(MemoryHandler())
    with pytest.raises(ResultNotImplementedError, match="result handlers have only read"):
        template.exists("mem-0")
    with pytest.raises(TypeError, match="does not implement read"):
        ResultHandlerResult(WriteOnlyHandler())


# -- warnings ---------------------------------------------------------------------------------


def test_one_deprecation_warning_per_handler_class_at_the_callers_line(tmp_path):
    with pytest.warns(DeprecationWarning) as record:
        compat.result_from_handler(LocalResultHandler(dir=str(tmp_path)))
        compat.result_from_handler(LocalResultHandler(dir=str(tmp_path)))
        compat.result_from_handler(JSONResultHandler())
        compat.result_from_handler(MemoryHandler())
        compat.result_from_handler(MemoryHandler())
    messages = [str(w.message) for w in record if issubclass(w.category, DeprecationWarning)]
    assert len(messages) == 3
    assert messages[0].endswith(
        "LocalResultHandler is deprecated; use result=LocalResult(dir=...) (see docs/migration.md)"
    )
    assert "JSONResultHandler is deprecated; use result=PrefectResult()" in messages[1]
    assert "MemoryHandler is a custom result handler" in messages[2]
    assert all(w.filename == __file__ for w in record)


def test_the_warning_keeps_prefects_wording_and_category(tmp_path):
    with pytest.warns(UserWarning, match=DEPRECATED):  # what Prefect 0.13 emitted
        Task(result_handler=ConstantResultHandler(1))


def test_task_and_flow_warn_once_per_handler_class(tmp_path):
    with pytest.warns(DeprecationWarning, match="LocalResultHandler is deprecated") as record:
        Task(result_handler=LocalResultHandler(dir=str(tmp_path)))
        Task(result_handler=LocalResultHandler(dir=str(tmp_path)))
        Flow("f", result_handler=LocalResultHandler(dir=str(tmp_path)))
    assert sum(issubclass(w.category, DeprecationWarning) for w in record) == 1
    assert record[0].filename == __file__


# -- Task, @task and Flow ---------------------------------------------------------------------


def test_task_flow_and_decorator_store_the_converted_result(tmp_path):
    assert Task(result_handler=LocalResultHandler(dir=str(tmp_path))).result == LocalResult(
        dir=str(tmp_path)
    )
    assert type(Flow("f", result_handler=JSONResultHandler()).result) is PrefectResult

    @task(result_handler=ConstantResultHandler(3))
    def three():
        return 3

    assert three.result == ConstantResult(value=3)
    assert Task(result_handler=None, result=PrefectResult()).result == PrefectResult()


def test_handler_wins_over_result_as_in_prefect_013_with_a_warning(tmp_path):
    with pytest.warns(UserWarning, match="result_handler= is used and result= is ignored"):
        made = Task(result=LocalResult(dir=str(tmp_path)), result_handler=JSONResultHandler())
    assert type(made.result) is PrefectResult


def test_handler_flow_checkpoints_where_the_equivalent_result_flow_does(tmp_path):
    def build(name, **result_kwargs):
        @task(name="double", **result_kwargs)
        def double(x):
            return 2 * x

        with Flow(name) as flow:
            out = double.map([1, 2, 3])
        return flow, out

    legacy, legacy_out = build("legacy", result_handler=LocalResultHandler(dir=str(tmp_path / "a")))
    modern, modern_out = build("modern", result=LocalResult(dir=str(tmp_path / "b")))
    old_state, new_state = run_checkpointed(legacy), run_checkpointed(modern)
    assert old_state.is_successful() and new_state.is_successful()
    old_children = old_state.result[legacy_out].map_states
    new_children = new_state.result[modern_out].map_states
    for old, new in zip(old_children, new_children):
        assert type(old._result) is type(new._result) is LocalResult
        assert old.result == new.result
    old_files = sorted(os.listdir(tmp_path / "a"))
    assert len(old_files) == len(os.listdir(tmp_path / "b")) == 3
    for child in old_children:
        assert os.path.dirname(child._result.location) == str(tmp_path / "a")
        assert LocalResultHandler(dir=str(tmp_path / "a")).read(child._result.location) == (
            child.result
        )


def test_s3_handler_flow_checkpoints_to_the_bucket(s3_server, s3_bucket, s3_admin):
    handler = S3ResultHandler(bucket=s3_bucket, boto3_kwargs={"endpoint_url": s3_server})

    @task(result_handler=handler)
    def payload():
        return {"from": "flow"}

    with Flow("s3") as flow:
        out = payload()
    state = run_checkpointed(flow)
    written = state.result[out]._result
    assert type(written) is S3Result
    body = s3_admin.get_object(Bucket=s3_bucket, Key=written.location)["Body"].read()
    assert pickle.loads(body) == {"from": "flow"}  # S3Result's payload: plain cloudpickle


def test_custom_handler_flow_checkpoints_through_result_handler_result():
    handler = MemoryHandler()

    @task(result_handler=handler)
    def inc(x):
        return x + 1

    with Flow("custom") as flow:
        first = inc(1)
        second = inc(first)
    state = run_checkpointed(flow)
    assert state.is_successful()
    for task_, location, value in ((first, "mem-0", 2), (second, "mem-1", 3)):
        result = state.result[task_]._result
        assert type(result) is ResultHandlerResult
        assert (result.location, result.value) == (location, value)
    assert handler.store == {"mem-0": 2, "mem-1": 3}


def test_flow_level_handler_applies_to_tasks_without_a_result():
    handler = MemoryHandler()

    @task
    def one():
        return 1

    with Flow("flow-level", result_handler=handler) as flow:
        out = one()
    state = run_checkpointed(flow)
    assert state.result[out]._result.location == "mem-0"
    assert handler.store == {"mem-0": 1}


def test_handler_whose_write_raises_fails_the_task_with_its_message():
    @task(name="save-report", result_handler=BrokenHandler())
    def report():
        return "data"

    with Flow("broken") as flow:
        out = report()
    state = run_checkpointed(flow)
    failed = state.result[out]
    assert isinstance(failed, Failed)
    assert "disk quota exceeded on /results" in failed.message
    assert "save-report" in failed.message
    assert isinstance(failed.result, OSError)


def test_checkpointing_off_never_calls_the_handler():
    @task(result_handler=BrokenHandler())
    def fine():
        return 1

    with Flow("no-checkpoint") as flow:
        out = fine()
    state = flow.run()
    assert isinstance(state.result[out], Success) and state.result[out].result == 1


def test_handler_class_missing_read_is_refused_when_the_flow_is_built():
    with pytest.raises(TypeError, match=r"WriteOnlyHandler does not implement read\(\)"):
        with Flow("bad"):

            @task(result_handler=WriteOnlyHandler())
            def never():
                return 1

    with pytest.raises(TypeError, match=r"does not implement read\(\)"):
        Flow("bad-flow", result_handler=WriteOnlyHandler())
