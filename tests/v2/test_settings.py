"""2.x settings (`prefect_compat.settings`): sources, parsing, templates, temporary overrides."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from prefect_compat import settings as S
from tests.cli.helpers import REPO

PROFILES = """active = "other"

[profiles.default]
PREFECT_RESULTS_PERSIST_BY_DEFAULT = "true"

[profiles.other]
PREFECT_RESULTS_DEFAULT_SERIALIZER = "json"
PREFECT_LOCAL_STORAGE_PATH = "${PREFECT_HOME}/from-profile"
"""


@pytest.fixture
def home(prefect_home):
    """An empty PREFECT_HOME (conftest restores the settings afterwards)."""
    prefect_home.mkdir()
    return prefect_home


def load(home, **env):
    S.reload_settings({"PREFECT_HOME": str(home), **env})
    return S.get_current_settings()


def test_defaults_follow_prefect_home(home):
    load(home)
    assert S.PREFECT_HOME.value() == home
    assert S.PREFECT_LOCAL_STORAGE_PATH.value() == home / "storage"
    assert S.PREFECT_PROFILES_PATH.value() == home / "profiles.toml"
    assert S.PREFECT_RESULTS_PERSIST_BY_DEFAULT.value() is False
    assert S.PREFECT_RESULTS_DEFAULT_SERIALIZER.value() == "pickle"
    assert S.PREFECT_ASYNC_FETCH_STATE_RESULT.value() is False


def test_setting_objects_look_like_prefects():
    assert repr(S.PREFECT_HOME) == "<PREFECT_HOME: Path>"
    assert str(S.PREFECT_RESULTS_PERSIST_BY_DEFAULT) == "<PREFECT_RESULTS_PERSIST_BY_DEFAULT: bool>"
    assert S.PREFECT_RESULTS_DEFAULT_SERIALIZER.name == "PREFECT_RESULTS_DEFAULT_SERIALIZER"
    assert S.PREFECT_RESULTS_DEFAULT_SERIALIZER.type is str
    assert S.SETTING_VARIABLES["PREFECT_HOME"] is S.PREFECT_HOME


def test_home_expands_the_user_directory(home):
    S.reload_settings({"PREFECT_HOME": "~/somewhere"})  # nothing is read from there
    assert S.PREFECT_HOME.value() == Path(os.path.expanduser("~/somewhere"))
    assert S.PREFECT_LOCAL_STORAGE_PATH.value() == Path(os.path.expanduser("~/somewhere/storage"))


def test_active_profile_then_environment(home):
    (home / "profiles.toml").write_text(PROFILES)
    current = load(home)
    assert current.profile == "other"
    assert S.PREFECT_RESULTS_DEFAULT_SERIALIZER.value() == "json"
    assert S.PREFECT_RESULTS_PERSIST_BY_DEFAULT.value() is False  # only in the inactive profile
    assert S.PREFECT_LOCAL_STORAGE_PATH.value() == home / "from-profile"
    assert current.source_of(S.PREFECT_RESULTS_DEFAULT_SERIALIZER) == "profile"
    load(home, PREFECT_RESULTS_DEFAULT_SERIALIZER="compressed/json")
    assert S.PREFECT_RESULTS_DEFAULT_SERIALIZER.value() == "compressed/json"
    assert S.get_current_settings().source_of(S.PREFECT_RESULTS_DEFAULT_SERIALIZER) == "env"


def test_prefect_profile_selects_the_profile(home):
    (home / "profiles.toml").write_text(PROFILES)
    load(home, PREFECT_PROFILE="default")
    assert S.PREFECT_RESULTS_PERSIST_BY_DEFAULT.value() is True
    assert S.PREFECT_RESULTS_DEFAULT_SERIALIZER.value() == "pickle"


def test_missing_profile_from_env_warns_and_uses_default(home):
    (home / "profiles.toml").write_text(PROFILES)
    with pytest.warns(
        UserWarning, match=r"Active profile 'missing' set by environment variable not found"
    ):
        current = load(home, PREFECT_PROFILE="missing")
    assert current.profile == "other"  # the file's `active`, as the fallback


@pytest.mark.parametrize(
    ("text", "expected"),
    [("true", True), ("True", True), ("1", True), ("yes", True), ("on", True), ("t", True)]
    + [("false", False), ("0", False), ("NO", False), ("off", False), ("f", False), ("n", False)],
)
def test_booleans_parse_like_prefect(home, text, expected):
    load(home, PREFECT_RESULTS_PERSIST_BY_DEFAULT=text)
    assert S.PREFECT_RESULTS_PERSIST_BY_DEFAULT.value() is expected


def test_bad_values_raise_when_read_naming_setting_and_source(home):
    S.reload_settings({"PREFECT_HOME": str(home), "PREFECT_RESULTS_PERSIST_BY_DEFAULT": "maybe"})
    expected = (
        r"Invalid value 'maybe' for setting PREFECT_RESULTS_PERSIST_BY_DEFAULT "
        r"\(from the environment\): value could not be parsed to a boolean"
    )
    with pytest.raises(ValueError, match=expected):
        S.PREFECT_RESULTS_PERSIST_BY_DEFAULT.value()
    (home / "profiles.toml").write_text(
        '[profiles.default]\nPREFECT_ASYNC_FETCH_STATE_RESULT = "perhaps"\n'
    )
    S.reload_settings({"PREFECT_HOME": str(home)})
    with pytest.raises(
        ValueError, match=r"from profile 'default'.*config unset PREFECT_ASYNC_FETCH_STATE_RESULT"
    ):
        S.PREFECT_HOME.value()


def test_unknown_profile_keys_are_ignored(home):
    (home / "profiles.toml").write_text('[profiles.default]\nPREFECT_API_URL = "http://x"\n')
    load(home)
    assert S.PREFECT_RESULTS_DEFAULT_SERIALIZER.value() == "pickle"


def test_temporary_settings_override_and_restore(home):
    load(home)
    updates = {S.PREFECT_RESULTS_PERSIST_BY_DEFAULT: True, S.PREFECT_HOME: "/x/y"}
    with S.temporary_settings(updates=updates) as current:
        assert S.PREFECT_RESULTS_PERSIST_BY_DEFAULT.value() is True
        assert S.PREFECT_LOCAL_STORAGE_PATH.value() == Path("/x/y/storage")
        assert current.value_of(S.PREFECT_HOME) == Path("/x/y")
        with S.temporary_settings(restore_defaults={S.PREFECT_RESULTS_PERSIST_BY_DEFAULT}):
            assert S.PREFECT_RESULTS_PERSIST_BY_DEFAULT.value() is False
        with S.temporary_settings(set_defaults={S.PREFECT_RESULTS_DEFAULT_SERIALIZER: "json"}):
            assert S.PREFECT_RESULTS_DEFAULT_SERIALIZER.value() == "json"
        assert S.PREFECT_RESULTS_PERSIST_BY_DEFAULT.value() is True
    assert S.PREFECT_RESULTS_PERSIST_BY_DEFAULT.value() is False
    assert S.PREFECT_HOME.value() == home


def test_temporary_settings_check_their_values(home):
    with pytest.raises(
        ValueError, match=r"Invalid value 'nah' for setting PREFECT_ASYNC_FETCH_STATE_RESULT"
    ):
        with S.temporary_settings(updates={S.PREFECT_ASYNC_FETCH_STATE_RESULT: "nah"}):
            pass
    with pytest.raises(TypeError, match="Setting objects as keys"):
        with S.temporary_settings(updates={"PREFECT_HOME": "/x"}):
            pass


def test_temporary_settings_are_per_context_not_global(home):
    load(home)
    seen = []
    with S.temporary_settings(updates={S.PREFECT_RESULTS_PERSIST_BY_DEFAULT: True}):
        thread = threading.Thread(
            target=lambda: seen.append(S.PREFECT_RESULTS_PERSIST_BY_DEFAULT.value())
        )
        thread.start()
        thread.join()
    assert seen == [False]


def test_values_are_read_at_import_not_later(tmp_path):
    code = (
        "import os; from prefect_compat import settings as S; "
        "os.environ['PREFECT_RESULTS_PERSIST_BY_DEFAULT'] = 'false'; "
        "print(S.PREFECT_RESULTS_PERSIST_BY_DEFAULT.value())"
    )
    env = {
        **os.environ,
        "PREFECT_HOME": str(tmp_path),
        "PREFECT_RESULTS_PERSIST_BY_DEFAULT": "true",
    }
    env["PYTHONPATH"] = str(REPO)
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert out.stdout.strip() == "True"


def test_1x_configuration_does_not_see_2x_settings(home):
    import prefect_compat

    load(home, PREFECT_RESULTS_PERSIST_BY_DEFAULT="true")
    assert "results_persist_by_default" not in str(prefect_compat.config.to_dict()).lower()
    assert prefect_compat.config.home_dir != str(home / "storage")
