"""File tasks (Copy, Move, Remove, Glob, Zip, Unzip) on real temporary directories."""

from __future__ import annotations

import logging
import os
import zipfile
from pathlib import Path

import pytest

from prefect_compat import Flow
from prefect_compat.engine.state import Failed, Success
from prefect_compat.tasks.files import Copy, Glob, Move, Remove, Unzip, Zip


@pytest.fixture
def tree(tmp_path, monkeypatch):
    """tmp/a.txt, tmp/sub/b.txt, tmp/sub/deep/c.csv; cwd is tmp."""
    (tmp_path / "a.txt").write_text("A")
    (tmp_path / "sub" / "deep").mkdir(parents=True)
    (tmp_path / "sub" / "b.txt").write_text("B")
    (tmp_path / "sub" / "deep" / "c.csv").write_text("C")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run_one(task, **kwargs):
    with Flow("files") as flow:
        ref = task(**kwargs)
    return flow.run().result[ref]


def messages(caplog, name):
    return [r.getMessage() for r in caplog.records if r.name == f"prefect.{name}"]


def test_copy_a_file_and_into_a_directory(tree, caplog):
    with caplog.at_level(logging.INFO, logger="prefect"):
        state = run_one(Copy(source_path="a.txt", target_path="a2.txt"))
    assert state.result == Path("a2.txt")
    assert (tree / "a2.txt").read_text() == "A"
    assert messages(caplog, "Copy") == ["Copying a.txt to a2.txt..."]
    assert Copy().run(source_path="a.txt", target_path="sub") == Path("sub/a.txt")
    assert (tree / "sub" / "a.txt").read_text() == "A"


def test_copy_a_tree_refuses_an_existing_target(tree):
    assert Copy().run(source_path=tree / "sub", target_path=tree / "copy") == tree / "copy"
    assert (tree / "copy" / "deep" / "c.csv").read_text() == "C"
    state = run_one(Copy(), source_path="sub", target_path="copy")
    assert isinstance(state, Failed)
    assert isinstance(state.result, FileExistsError)


def test_move_renames_and_moves_into_directories(tree, caplog):
    with caplog.at_level(logging.INFO, logger="prefect"):
        assert Move().run(source_path="a.txt", target_path="moved.txt") == Path("moved.txt")
    assert messages(caplog, "Move") == ["Moving a.txt to moved.txt..."]
    assert not (tree / "a.txt").exists()
    assert Move().run(source_path="moved.txt", target_path="sub") == Path("sub/moved.txt")
    assert (tree / "sub" / "moved.txt").read_text() == "A"


def test_remove_deletes_files_and_empty_directories_only(tree, caplog):
    (tree / "empty").mkdir()
    with caplog.at_level(logging.INFO, logger="prefect"):
        assert isinstance(run_one(Remove(path="a.txt")), Success)
        Remove().run(path="empty")
    assert messages(caplog, "Remove") == ["Removing a.txt...", "Removing empty..."]
    assert not (tree / "a.txt").exists() and not (tree / "empty").exists()
    state = run_one(Remove(path="sub"))
    assert isinstance(state.result, OSError)
    assert (tree / "sub" / "b.txt").exists()


def test_glob_lists_matches_and_an_empty_list_for_a_missing_dir(tree):
    found = run_one(Glob(path="sub", pattern="**/*")).result
    assert sorted(found) == [Path("sub/b.txt"), Path("sub/deep"), Path("sub/deep/c.csv")]
    assert sorted(Glob().run(path=tree, pattern="*.txt")) == [tree / "a.txt"]
    assert Glob().run(path="nowhere") == []


@pytest.mark.parametrize(
    ("task", "message"),
    [
        (Copy(), "No `source_path` provided."),
        (Copy(source_path="a.txt"), "No `target_path` provided."),
        (Copy(source_path="nope", target_path="x"), r"Source path \(nope\) not found"),
        (Move(), "No `source_path` provided."),
        (Move(source_path="nope", target_path="x"), r"Source path \(nope\) not found"),
        (Remove(), "No `path` provided."),
        (Remove(path="nope"), r"Path \(nope\) not found"),
        (Glob(), "No `path` provided."),
        (Zip(), "No `source_path` provided."),
        (Zip(source_path="a.txt"), "No `zip_path` provided."),
        (Unzip(), "No `zip_path` provided"),
        (Unzip(zip_path="nope.zip"), "`zip_path` 'nope.zip' not found"),
    ],
)
def test_bad_arguments_raise_value_errors(tree, task, message):
    with pytest.raises(ValueError, match=message):
        task.run()


def names(archive):
    with zipfile.ZipFile(archive) as handle:
        return sorted(handle.namelist())


def test_zip_files_and_trees_under_their_own_names(tree, caplog):
    with caplog.at_level(logging.INFO, logger="prefect"):
        state = run_one(Zip(source_path=["a.txt", tree / "sub"], zip_path="out.zip"))
    assert state.result is None
    assert names(tree / "out.zip") == ["a.txt", "sub/b.txt", "sub/deep/c.csv"]
    assert messages(caplog, "Zip") == [
        "Creating zip archive out.zip",
        "Adding a.txt to archive",
        "Adding sub to archive",
    ]


def test_zipping_a_directory_into_itself_leaves_the_archive_out(tree):
    Zip().run(source_path=tree, zip_path=tree / "self.zip")
    assert f"{tree.name}/self.zip" not in names(tree / "self.zip")
    assert f"{tree.name}/sub/b.txt" in names(tree / "self.zip")
    assert [p.name for p in tree.iterdir() if p.name.startswith(".self.zip")] == []


@pytest.mark.parametrize(
    ("method", "code"),
    [
        ("store", zipfile.ZIP_STORED),
        ("deflate", zipfile.ZIP_DEFLATED),
        ("bzip2", zipfile.ZIP_BZIP2),
        ("lzma", zipfile.ZIP_LZMA),
    ],
)
def test_zip_compression_methods(tree, method, code):
    task = Zip(compression_method=method, compression_level=None)
    assert task.compression == code
    task.run(source_path="a.txt", zip_path="m.zip")
    with zipfile.ZipFile("m.zip") as handle:
        assert [info.compress_type for info in handle.infolist()] == [code]


def test_unknown_compression_is_refused_at_construction():
    with pytest.raises(ValueError, match="Compression method bogus is not supported!"):
        Zip(compression_method="bogus")


def test_zip_with_a_missing_source_writes_nothing(tree):
    with pytest.raises(ValueError, match=r"Source path \(nope\) not found"):
        Zip().run(source_path=["a.txt", "nope"], zip_path="partial.zip")
    assert sorted(os.listdir(tree)) == ["a.txt", "sub"]


def test_unzip_extracts_into_a_directory_or_the_current_one(tree, caplog):
    Zip().run(source_path=["a.txt", "sub"], zip_path="z.zip")
    with caplog.at_level(logging.INFO, logger="prefect"):
        assert run_one(Unzip(zip_path="z.zip", extract_dir="out")).result == Path("out")
    assert messages(caplog, "Unzip") == ["Extracting 'z.zip' to 'out'"]
    assert (tree / "out" / "sub" / "deep" / "c.csv").read_text() == "C"
    os.mkdir("here")
    os.chdir("here")
    assert Unzip().run(zip_path=tree / "z.zip") == Path.cwd()
    assert (tree / "here" / "a.txt").read_text() == "A"


def test_unzip_keeps_members_inside_the_target(tree):
    with zipfile.ZipFile("evil.zip", "w") as handle:
        handle.writestr("../escaped.txt", "x")
    Unzip().run(zip_path="evil.zip", extract_dir="safe", password="ignored")
    assert not (tree.parent / "escaped.txt").exists()
    assert (tree / "safe" / "escaped.txt").exists()
