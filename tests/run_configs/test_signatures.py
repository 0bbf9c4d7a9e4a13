"""Constructors and functions take Prefect's arguments: names, kinds and defaults.

`observed_signatures.json` holds `inspect.signature` as printed on real Prefect 1.4.1
and 0.13.19. Every 1.4.1 signature must match ours exactly. A 0.13.19 signature must
match exactly where the object only exists in 0.13 (`prefect.environments`, 0.13-only
schedules); where 1.x kept the object and extended it (run configs, `Flow.run_agent`),
ours has 1.x's signature, which accepts every 0.13 argument by the same name and kind;
the differences are listed in SHARED_WITH_1X below.
"""

from __future__ import annotations

import importlib
import inspect
import json
from pathlib import Path

import pytest

OBSERVED = json.loads((Path(__file__).parent / "observed_signatures.json").read_text())

# 0.13 objects whose 1.x successor we implement; value: what 1.x changed, and so do we
SHARED_WITH_1X = {
    "prefect.run_configs.RunConfig": "1.x added `env` as the first argument",
    "prefect.run_configs.UniversalRun": "1.x added `env` as the first argument",
    "prefect.run_configs.LocalRun": "unchanged",
    "prefect.run_configs.DockerRun": "1.x added `ports` and `host_config`",
    "prefect.run_configs.KubernetesRun": "1.x added `image_pull_policy`",
    "prefect.run_configs.ECSRun": "1.x added `execution_role_arn`",
    "prefect.Flow.run_agent": "1.x added `api_key`; `log_to_cloud` defaults to None",
    "prefect.Flow.register": "unchanged",
}


def _resolve(path: str):
    """`prefect.a.b.C.meth` -> the prefect_compat object at the same path."""
    parts = ("prefect_compat" + path[len("prefect") :]).split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        break
    for attr in parts[i:]:
        obj = getattr(obj, attr)
    return obj


def _signature(path: str) -> list[list]:
    obj = _resolve(path)
    target = obj.__init__ if inspect.isclass(obj) else obj
    found = []
    for param in inspect.signature(target).parameters.values():
        if param.name == "self":
            continue
        default = None if param.default is inspect.Parameter.empty else repr(param.default)
        found.append([param.name, param.kind.name, default])
    return found


@pytest.mark.parametrize("path", sorted(OBSERVED["1.4.1"]))
def test_signature_matches_prefect_1_4_1(path):
    assert _signature(path) == OBSERVED["1.4.1"][path]


@pytest.mark.parametrize("path", sorted(set(OBSERVED["0.13.19"]) - set(SHARED_WITH_1X)))
def test_signature_matches_prefect_0_13_19(path):
    assert _signature(path) == OBSERVED["0.13.19"][path]


@pytest.mark.parametrize("path", sorted(SHARED_WITH_1X))
def test_0_13_arguments_are_accepted_by_the_1x_signature(path):
    ours = {name: (kind, default) for name, kind, default in _signature(path)}
    for name, kind, default in OBSERVED["0.13.19"][path]:
        assert name in ours, name
        assert ours[name][0] == kind, name
        if (path, name) != ("prefect.Flow.run_agent", "log_to_cloud"):
            assert ours[name][1] == default, name
