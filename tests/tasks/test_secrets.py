"""Secret tasks (local secrets and environment variables) and SecretResult."""

from __future__ import annotations

import pytest

import prefect_compat
from prefect_compat import Flow, task
from prefect_compat.engine.results import LocalResult
from prefect_compat.engine.results.secret_result import SecretResult
from prefect_compat.engine.serializers import JSONSerializer
from prefect_compat.tasks.secrets import EnvVarSecret, PrefectSecret, Secret, SecretBase
from tests.fixtures.fresh import fresh_python

# -- PrefectSecret ----------------------------------------------------------------------------


def test_prefect_secret_reads_context_secrets():
    with prefect_compat.context(secrets={"API_KEY": "abc"}):
        assert PrefectSecret("API_KEY").run() == "abc"
        assert PrefectSecret("OTHER").run(name="API_KEY") == "abc"


@pytest.mark.parametrize(
    ("stored", "value"),
    [('{"a": 1}', {"a": 1}), ("[1, 2]", [1, 2]), ("3", 3), ("plain text", "plain text")],
)
def test_json_text_secrets_are_parsed(stored, value):
    with prefect_compat.context(secrets={"S": stored}):
        assert PrefectSecret("S").run() == value


def test_non_text_secrets_are_returned_as_is():
    creds = {"ACCESS_KEY": "a", "SECRET_ACCESS_KEY": "b"}
    with prefect_compat.context(secrets={"AWS_CREDENTIALS": creds}):
        assert PrefectSecret("AWS_CREDENTIALS").run() == creds


def test_a_missing_secret_names_it_and_how_to_set_it():
    with prefect_compat.context(secrets={}):
        with pytest.raises(ValueError, match=r'Local Secret "NOPE" was not found.*SECRETS__NOPE'):
            PrefectSecret("NOPE").run()


def test_a_secret_without_a_name_cannot_run():
    secret = PrefectSecret()
    assert secret.name == "PrefectSecret"
    with pytest.raises(ValueError, match="A secret name must be provided."):
        secret.run()


def test_secret_tasks_carry_a_secret_result_and_never_checkpoint():
    secret = PrefectSecret("K", checkpoint=True)
    assert secret.checkpoint is False
    assert isinstance(secret.result, SecretResult)
    assert secret.result.secret_task is secret
    assert secret.result.location == "K"
    assert isinstance(SecretBase().result, SecretResult)


def test_the_result_of_a_secret_task_is_not_configurable():
    with pytest.raises(ValueError, match="Result types for Secrets are not configurable."):
        PrefectSecret("K", result=LocalResult())


def test_secret_base_has_no_value_of_its_own():
    assert SecretBase().run() is None  # Task.run's default, as in Prefect


def test_secret_is_prefect_secret_with_013_deprecation_warning():
    with pytest.warns(UserWarning, match="`Secret` task is deprecated and has been renamed"):
        secret = Secret("K")
    assert isinstance(secret, PrefectSecret)
    with prefect_compat.context(secrets={"K": "v"}):
        assert secret.run() == "v"


def test_secret_value_flows_downstream_and_is_never_written(tmp_path):
    @task
    def use(value):
        return f"got {value}"

    with Flow("secrets", result=LocalResult(dir=str(tmp_path), location="{task_name}")) as flow:
        key = PrefectSecret("API_KEY")
        out = use(key)

    with prefect_compat.context(secrets={"API_KEY": "abc"}, checkpointing=True):
        state = flow.run()
    assert state.result[key].result == "abc"
    assert isinstance(state.result[key]._result, SecretResult)
    assert state.result[key]._result.location is None
    assert state.result[out].result == "got abc"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["use"]


def test_a_missing_secret_fails_the_task_in_a_flow():
    flow = Flow("missing")
    key = flow.add_task(PrefectSecret("ABSENT"))

    with prefect_compat.context(secrets={}):
        state = flow.run()
    assert state.result[key].is_failed()
    assert 'Local Secret "ABSENT" was not found' in state.result[key].message


def test_secrets_from_the_environment_reach_prefect_secret(tmp_path):
    """PREFECT__CONTEXT__SECRETS__<NAME> lands in context.secrets (JSON text parsed)."""
    code = (
        "import json\n"
        "from prefect_compat.tasks.secrets import PrefectSecret\n"
        "value = PrefectSecret('MY_Key').run()\n"
        "print(isinstance(value, dict), json.dumps(value))"
    )
    secret = {"PREFECT__CONTEXT__SECRETS__MY_Key": '{"user": "u"}'}
    assert fresh_python(code, tmp_path, **secret) == ['True {"user": "u"}']


# -- EnvVarSecret ---------------------------------------------------------------------------


def test_env_var_secret_reads_the_environment(monkeypatch):
    monkeypatch.setenv("PC_TEST_SECRET", "12")
    assert EnvVarSecret("PC_TEST_SECRET").run() == "12"  # not parsed as JSON
    assert EnvVarSecret("PC_TEST_SECRET", cast=int).run() == 12
    assert EnvVarSecret("OTHER").run(name="PC_TEST_SECRET") == "12"


def test_env_var_secret_missing(monkeypatch):
    monkeypatch.delenv("PC_TEST_MISSING", raising=False)
    assert EnvVarSecret("PC_TEST_MISSING").run() is None
    assert EnvVarSecret("PC_TEST_MISSING", cast=int).run() is None
    with pytest.raises(ValueError, match="Environment variable not set: PC_TEST_MISSING"):
        EnvVarSecret("PC_TEST_MISSING", raise_if_missing=True).run()
    with pytest.raises(ValueError, match="A secret name must be provided."):
        EnvVarSecret().run()


def test_env_var_secret_is_a_prefect_secret_with_a_secret_result():
    secret = EnvVarSecret("X", cast=int, raise_if_missing=True)
    assert isinstance(secret, PrefectSecret)
    assert (secret.cast, secret.raise_if_missing, secret.checkpoint) == (int, True, False)
    assert secret.result.location == "X"


# -- SecretResult ---------------------------------------------------------------------------


def test_secret_result_reads_by_running_the_secret_task():
    secret = PrefectSecret("DEFAULT")
    result = SecretResult(secret)
    with prefect_compat.context(secrets={"OTHER": "o"}):
        loaded = result.read("OTHER")
    assert loaded.value == "o"
    assert loaded.location == "OTHER"
    assert loaded is not result
    assert result.value is None  # immutable by copy
    assert result.location == "DEFAULT"


def test_secret_result_reads_env_vars_through_env_var_secret(monkeypatch):
    monkeypatch.setenv("PC_TEST_ENV", "e")
    assert SecretResult(EnvVarSecret("PC_TEST_ENV")).read("PC_TEST_ENV").value == "e"


def test_secret_result_cannot_be_written_or_given_a_serializer():
    secret = PrefectSecret("K")
    with pytest.raises(ValueError, match="SecretResults cannot be written to."):
        SecretResult(secret).write("v")
    with pytest.raises(ValueError, match="Can't pass a serializer to a SecretResult"):
        SecretResult(secret, serializer=JSONSerializer())


def test_secret_result_location_and_equality():
    secret = PrefectSecret("K")
    assert SecretResult(secret, location="L").location == "L"
    assert SecretResult(secret) == SecretResult(secret)
    assert SecretResult(secret) != SecretResult(PrefectSecret("K"))  # another task
    assert repr(SecretResult(secret)) == "<SecretResult: None>"
    assert SecretResult(secret).format().location == "K"
    assert SecretResult(secret).from_value(3).location is None
