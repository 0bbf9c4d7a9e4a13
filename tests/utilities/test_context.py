"""`prefect_compat.context`: access, scoping, seeded keys, threads, asyncio, no copies."""

from __future__ import annotations

import asyncio
import copy
import logging
import os
import pickle
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

import prefect_compat
from prefect_compat import _context
from prefect_compat.configuration import Config
from prefect_compat.utilities.context import Context

context = prefect_compat.context


def seeded_keys():
    return set(prefect_compat.config.get("context") or {}) | {"config", "logger"}


def in_new_thread(fn):
    """Run `fn` in a fresh thread and return its result (re-raising its error)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(fn).result(timeout=10)


# -- access ------------------------------------------------------------------------------------


def test_context_is_a_context_instance():
    assert isinstance(context, Context)


def test_attribute_and_item_access():
    with context(a=1, b={"c": 2}):
        assert context.a == 1
        assert context["a"] == 1
        assert context.b["c"] == 2
        assert "a" in context
        context.d = 4
        context["e"] = 5
        assert context["d"] == 4
        assert context.e == 5


def test_missing_key_raises_attribute_error_or_key_error():
    with pytest.raises(AttributeError, match="nope"):
        _ = context.nope
    with pytest.raises(KeyError, match="nope"):
        _ = context["nope"]
    assert not hasattr(context, "nope")
    assert "nope" not in context


def test_get_with_and_without_default():
    with context(a=1):
        assert context.get("a") == 1
        assert context.get("a", 2) == 1
    assert context.get("a") is None
    assert context.get("a", "fallback") == "fallback"


def test_positional_mapping_and_keywords():
    with context({"a": 1, "b": 1}, b=2) as ctx:
        assert ctx is context
        assert (context.a, context.b) == (1, 2)


def test_to_dict_is_a_plain_nested_dict():
    with context(a={"b": {"c": 1}}, n=3):
        out = context.to_dict()
    assert type(out) is dict
    assert out["a"] == {"b": {"c": 1}}
    assert out["n"] == 3
    assert type(out["config"]) is dict
    assert type(out["config"]["flows"]) is dict
    assert out["config"]["flows"]["checkpointing"] is False
    out["n"] = 99  # a copy: changing it does not touch the context
    assert "n" not in context


def test_repr():
    assert repr(context) == "<Context>"
    with context(a=1):
        assert repr(context) == "<Context>"


def test_pickling_raises_type_error():
    with pytest.raises(TypeError, match="Pickling the context is not supported"):
        pickle.dumps(context)


# -- scoping -----------------------------------------------------------------------------------


def test_nesting_shadows_and_restores():
    with context(a=1):
        assert context.a == 1
        with context(a=2):
            assert context.a == 2
        assert context.a == 1
    assert "a" not in context


def test_keys_introduced_inside_vanish_after():
    with context(a=1):
        with context(b=2):
            context.c = 3
            assert (context.a, context.b, context.c) == (1, 2, 3)
        assert "b" not in context
        assert "c" not in context
        assert context.a == 1


def test_mutation_of_pre_existing_keys_is_rolled_back():
    with context(a=1):
        with context():
            context.a = 10
            context["a"] = 11
            assert context.a == 11
        assert context.a == 1


def test_del_inside_a_block_is_restored_after():
    with context(a=1):
        with context(b=2):
            del context.a
            assert "a" not in context
            with pytest.raises(AttributeError):
                _ = context.a
            del context["b"]
            assert "b" not in context
        assert context.a == 1


def test_deleting_a_missing_key_raises():
    with pytest.raises(AttributeError):
        del context.nope
    with pytest.raises(KeyError):
        del context["nope"]


def test_restore_on_exception():
    with context(a=1):
        with pytest.raises(RuntimeError, match="inside"):
            with context(a=2, b=3):
                context.c = 4
                raise RuntimeError("inside")
        assert context.a == 1
        assert "b" not in context
        assert "c" not in context


def test_config_key_is_merged_into_a_new_config():
    with context(config={"flows": {"checkpointing": True}}):
        assert context.config.flows.checkpointing is True
        assert context.config.flows.run_on_schedule is True  # the rest is kept
        assert context.config is not prefect_compat.config
        assert prefect_compat.config.flows.checkpointing is False
    assert context.config is prefect_compat.config


# -- seeded keys -------------------------------------------------------------------------------


def test_seeded_keys():
    assert context.config is prefect_compat.config
    assert context.logger is logging.getLogger("prefect")
    assert seeded_keys() <= set(context)
    # as in 1.4.1: no `context` config section, so no `secrets` key until one is set
    assert sorted(context) == ["config", "logger"]
    assert prefect_compat.config.get("context") is None


def test_context_section_of_config_seeds_context_in_a_fresh_interpreter(tmp_path):
    code = (
        "import prefect_compat as p; c = p.context; "
        "print(c.secrets['MyKey'], c.favourite, c.config is p.config)"
    )
    env = {"PREFECT__CONTEXT__SECRETS__MyKey": "s3cr3t", "PREFECT__CONTEXT__FAVOURITE": "blue"}
    proc = subprocess.run(
        [sys.executable, "-c", code],
        env={**{k: v for k, v in os.environ.items() if not k.startswith("PREFECT__")}, **env},
        cwd=str(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["s3cr3t", "blue", "True"]


# -- threads -----------------------------------------------------------------------------------


def test_new_thread_sees_only_seeded_defaults():
    def probe():
        return set(context), context.get("flag"), context.config is prefect_compat.config

    with context(flag="main"):
        keys, flag, same_config = in_new_thread(probe)
        assert context.flag == "main"
    assert flag is None
    assert keys == seeded_keys()
    assert same_config


def test_writes_in_a_thread_do_not_leak_to_the_main_thread():
    def write():
        context.from_thread = 1
        return context.from_thread

    assert in_new_thread(write) == 1
    assert "from_thread" not in context


def test_concurrent_threads_do_not_see_each_other():
    barrier = threading.Barrier(2, timeout=10)
    seen: dict[int, list] = {0: [], 1: []}

    def worker(i):
        with context(x=i, **{f"only_{i}": True}):
            barrier.wait()
            seen[i].append((context.x, context.get(f"only_{1 - i}")))
            barrier.wait()
            with context(x=i * 10):
                barrier.wait()
                seen[i].append((context.x, None))
                barrier.wait()
            seen[i].append((context.x, None))
        seen[i].append((context.get("x"), None))

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)
    assert seen == {
        0: [(0, None), (0, None), (0, None), (None, None)],
        1: [(1, None), (10, None), (1, None), (None, None)],
    }


def test_run_in_makes_the_callers_frame_visible_in_a_worker():
    with context(flow_run_id="abc"):
        frame = _context.current()
        with ThreadPoolExecutor(max_workers=1) as pool:
            inside = pool.submit(_context.run_in, frame, lambda: context.flow_run_id)
            outside = pool.submit(lambda: context.get("flow_run_id"))
            assert inside.result(timeout=10) == "abc"
            assert outside.result(timeout=10) is None
            # run_in leaves the worker as it found it
            after = pool.submit(lambda: context.get("flow_run_id"))
            assert after.result(timeout=10) is None


# -- asyncio -----------------------------------------------------------------------------------


def test_asyncio_tasks_see_only_their_own_values():
    log: list[tuple[int, object]] = []

    async def worker(i):
        assert context.x == "outer"
        with context(x=i):
            for _ in range(3):
                await asyncio.sleep(0)
                log.append((i, context.x))
        log.append((i, context.x))

    async def main():
        await asyncio.gather(worker(0), worker(1))

    with context(x="outer"):
        asyncio.run(main())
        assert context.x == "outer"
    assert "x" not in context
    inside = [entry for entry in log if entry[1] != "outer"]
    assert all(i == x for i, x in inside)
    assert sorted(inside) == [(0, 0)] * 3 + [(1, 1)] * 3
    assert [i for i, _ in log[:2]] == [0, 1]  # the two tasks really interleaved
    assert sorted(entry for entry in log if entry[1] == "outer") == [(0, "outer"), (1, "outer")]


# -- structural guard --------------------------------------------------------------------------


class _Tripwire(dict):
    """A frame that fails if anything iterates or copies it (lookups by key are fine)."""

    def _fail(self, *args, **kwargs):
        raise AssertionError("an outer context frame was copied or iterated")

    __iter__ = keys = items = values = copy = __copy__ = __deepcopy__ = __reduce_ex__ = _fail


def test_entering_a_scope_copies_no_outer_frame(monkeypatch):
    def no_copies(*args, **kwargs):
        raise AssertionError("copy called while entering or leaving a context scope")

    outer_token = _context.push(_Tripwire(run="outer"))
    try:
        outer = _context.current()
        monkeypatch.setattr(copy, "deepcopy", no_copies)
        monkeypatch.setattr(copy, "copy", no_copies)
        monkeypatch.setattr(Config, "copy", no_copies)
        monkeypatch.setattr(Config, "to_dict", no_copies)
        with context(a=1):
            inner = _context.current()
            assert inner.parent is outer
            assert dict.__len__(inner.data) == 1
            assert context.a == 1
            assert context.run == "outer"
            assert context.config is prefect_compat.config
        assert _context.current() is outer
        assert dict.__len__(outer.data) == 1
        assert dict.get(outer.data, "run") == "outer"
        monkeypatch.undo()
    finally:
        _context.pop(outer_token)
