"""StorageContract: behaviour every Storage backend must show.

A backend's test module subclasses `StorageContract` and provides a `storage`
fixture; the contract passes unchanged for every backend (Memory, Local, S3, GCS).
"""

from __future__ import annotations

import pytest

from prefect_compat._storage.base import NotFound, Storage, StorageError


class StorageContract:
    def test_is_a_storage(self, storage):
        assert isinstance(storage, Storage)

    def test_round_trip(self, storage):
        location = storage.write_bytes("a/b/one.bin", b"\x00payload\xff")
        assert storage.read_bytes(location) == b"\x00payload\xff"

    def test_overwrite_replaces_whole_value(self, storage):
        storage.write_bytes("k.bin", b"long original content")
        location = storage.write_bytes("k.bin", b"short")
        assert storage.read_bytes(location) == b"short"

    def test_missing_key_raises_not_found_naming_key(self, storage):
        with pytest.raises(NotFound, match="nope.bin"):
            storage.read_bytes("missing/nope.bin")

    def test_exists_and_delete(self, storage):
        assert storage.exists("e.bin") is False
        location = storage.write_bytes("e.bin", b"x")
        assert storage.exists(location) is True
        storage.delete(location)
        assert storage.exists(location) is False
        with pytest.raises(NotFound):
            storage.delete(location)

    def test_empty_payload_round_trips(self, storage):
        location = storage.write_bytes("empty.bin", b"")
        assert storage.read_bytes(location) == b""

    def test_key_escaping_root_is_refused(self, storage):
        with pytest.raises(StorageError, match="escapes"):
            storage.write_bytes("../outside.bin", b"x")
