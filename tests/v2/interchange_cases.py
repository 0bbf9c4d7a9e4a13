"""The values and serializers of the interchange documents in tests/v2/data/.

`data/from_prefect_2_6_9/` was written by real Prefect 2.6.9 (a scratch venv, its
`PersistedResult.create` with a LocalFileSystem) for every pair below; each file is named
`<serializer>__<value>` and MANIFEST.json holds the reference 2.6.9 returned for it.
`data/from_prefect_compat/` is the same set written by this package
(`python -m tests.v2.interchange_cases write <dir>`); READ_BY_PREFECT_2_6_9.json records
the repr of what real 2.6.9 loaded from each of those files.
"""

from __future__ import annotations

import datetime
import decimal
import json
import os
import pathlib
import sys
import uuid
from typing import Any, Dict, Iterator, Tuple

from prefect_compat import serializers as S

DATA = pathlib.Path(__file__).resolve().parent / "data"
FROM_PREFECT = DATA / "from_prefect_2_6_9"
FROM_COMPAT = DATA / "from_prefect_compat"
READ_BY_PREFECT = DATA / "READ_BY_PREFECT_2_6_9.json"

VALUES: Dict[str, Any] = {
    "plain": {"a": 1, "b": [1, 2.5, "x"], "s": "h\u00e9llo", "n": None, "t": True},
    "rich": {
        "when": datetime.datetime(2022, 11, 22, 1, 2, 3),
        "day": datetime.date(2022, 1, 2),
        "id": uuid.UUID(int=7),
        "tags": {1, 2},
        "frozen": frozenset({3}),
        "d": decimal.Decimal("1.5"),
        "delta": datetime.timedelta(seconds=90),
        "path": pathlib.PosixPath("/a/b"),
        "raw": b"bytes",
    },
    "int": 42,
    "error": ValueError("boom"),
}
JSON_VALUES = ("plain", "int", "rich")
ORJSON_RICH_KEYS = ("when", "day", "id")


def serializers() -> Dict[str, S.Serializer]:
    return {
        "pickle": S.PickleSerializer(),
        "json": S.JSONSerializer(),
        "compressed-pickle": S.CompressedPickleSerializer(),
        "compressed-json": S.CompressedJSONSerializer(),
        "compressed-zlib-json": S.CompressedSerializer(serializer="json", compressionlib="zlib"),
        "compressed-bz2-pickle": S.CompressedSerializer(serializer="pickle", compressionlib="bz2"),
        "stdlib-pickle": S.PickleSerializer(picklelib="pickle"),
        "orjson": S.JSONSerializer(jsonlib="orjson"),
    }


def cases() -> Iterator[Tuple[str, str, Any]]:
    """(document name, serializer name, value written) for every document."""
    for sname in serializers():
        for vname, value in VALUES.items():
            if "json" in sname and vname not in JSON_VALUES:
                continue
            written = value
            if sname == "orjson" and vname == "rich":
                written = {k: v for k, v in value.items() if k in ORJSON_RICH_KEYS}
            yield f"{sname}__{vname}", sname, written


def expected_read(name: str) -> Any:
    """What reading document `name` gives: the value, except orjson's native encodings."""
    sname, vname = name.split("__")
    if sname == "orjson" and vname == "rich":
        return {"when": "2022-11-22T01:02:03", "day": "2022-01-02", "id": str(uuid.UUID(int=7))}
    return VALUES[vname]


def write(directory: str) -> None:
    """Write every case with this package into `directory` (MANIFEST.json included)."""
    from prefect_compat.filesystems import LocalFileSystem
    from prefect_compat.results import PersistedResult

    os.makedirs(directory, exist_ok=True)
    fs = LocalFileSystem(basepath=directory)
    manifest = {}
    for name, sname, value in cases():
        serializer = serializers()[sname]
        ref = PersistedResult.create(value, storage_block=fs, serializer=serializer)
        os.replace(os.path.join(directory, ref.storage_key), os.path.join(directory, name))
        manifest[name] = {
            "reference": json.loads(ref.json()),
            "serializer_type": ref.serializer_type,
        }
    with open(os.path.join(directory, "MANIFEST.json"), "w", encoding="utf-8") as fh:
        fh.write(json.dumps(manifest, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] != "write":
        sys.exit("usage: python -m tests.v2.interchange_cases write <directory>")
    write(sys.argv[2])
