"""The exception roots: which family each class is in decides what `except` catches."""

from __future__ import annotations

import pytest

from prefect_compat import exceptions


def test_prefect_exception_is_an_ordinary_exception_with_a_message_arg():
    assert issubclass(exceptions.PrefectException, Exception)
    assert exceptions.PrefectException().args == ("",)
    assert str(exceptions.PrefectException("boom")) == "boom"


def test_signals_are_base_exceptions_only():
    assert issubclass(exceptions.PrefectSignal, BaseException)
    assert not issubclass(exceptions.PrefectSignal, Exception)
    assert issubclass(exceptions.TaskTimeoutSignal, exceptions.PrefectSignal)
    assert repr(exceptions.TaskTimeoutSignal()) == "TaskTimeoutSignal('')"


def test_timeout_signal_passes_through_except_exception():
    with pytest.raises(exceptions.TaskTimeoutSignal):
        try:
            raise exceptions.TaskTimeoutSignal("slow")
        except Exception:
            pytest.fail("TaskTimeoutSignal was caught by `except Exception`")


def test_our_errors_are_prefect_exceptions():
    assert issubclass(exceptions.ResultReadError, exceptions.PrefectException)
    assert issubclass(exceptions.FlowStorageError, exceptions.PrefectException)
    error = exceptions.ResultReadError("Cannot read the result at 'a.pkl' with PickleSerializer")
    assert "a.pkl" in str(error)


def test_classes_are_defined_in_the_public_module():
    for name in exceptions.__all__:
        assert getattr(exceptions, name).__module__ == "prefect_compat.exceptions"


def test_client_errors_exist_with_prefects_hierarchy():
    assert issubclass(exceptions.AuthorizationError, exceptions.ClientError)
    assert issubclass(exceptions.ObjectNotFoundError, exceptions.ClientError)
    assert issubclass(exceptions.ClientError, exceptions.PrefectException)
    assert issubclass(exceptions.VersionLockMismatchSignal, exceptions.PrefectSignal)
    assert not issubclass(exceptions.VersionLockMismatchSignal, Exception)


def test_013_exception_names_catch_the_same_errors():
    from prefect_compat.utilities import exceptions as old

    assert old.ClientError is exceptions.ClientError
    assert old.PrefectError.__module__ == "prefect_compat.utilities.exceptions"
    with pytest.raises(old.PrefectError):
        raise exceptions.ResultReadError("unreadable")
    assert issubclass(old.ContextError, KeyError)
    assert issubclass(old.PrefectWarning, UserWarning)
    for name in ("SerializationError", "StorageError", "VersionLockError"):
        assert issubclass(getattr(old, name), old.PrefectError)


def test_no_backend_names_what_was_called_and_what_to_do():
    error = exceptions.no_backend("flow.register()", "Use flow.run().")
    assert isinstance(error, exceptions.NoBackendError)
    assert str(error).startswith("flow.register() needs a Prefect Cloud/Server backend")
    assert str(error).endswith("Use flow.run().")
