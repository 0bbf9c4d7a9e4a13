"""The local block registry: what Prefect 2 keeps in its API database, kept in files.

Layout under `PREFECT_HOME` (read when a block is looked up, so `temporary_settings`
moving `PREFECT_HOME` moves the registry too):

    blocks.toml            named blocks: one table per `[<block-type-slug>.<name>]`
                           holding the non-secret fields (`.save("name")` writes here)
    blocks-secrets.toml    the secret fields of the same blocks, same tables, mode 0600
    blocks/<uuid>.json     storage descriptions behind `PersistedResult.storage_block_id`
                           for storages that were never saved by name: their non-secret
                           fields only, written once per id, so a result reference read in
                           another process can still find its storage

A block's id is a uuid5 over its type slug and non-secret fields, so the same storage
always gets the same id in every process and no index has to be kept in sync.
Named-block writes are read-modify-write under a lock file; anonymous descriptions are
deterministic per id, so concurrent writers write the same bytes (atomic replace).
"""

from __future__ import annotations

import json
import os
import uuid
from typing import Any, Dict, Tuple

from prefect_compat._storage.local import LocalStorage
from prefect_compat._toml_store import locked, read_toml, write_toml

__all__ = [
    "block_id",
    "find_anonymous",
    "find_named",
    "named_blocks",
    "registry_paths",
    "save_anonymous",
    "save_named",
]

_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://prefect-compat/blocks")
_TOML_CACHE: Dict[str, Tuple[Tuple[int, int], Dict[str, Any]]] = {}


def home() -> str:
    from prefect_compat.settings import PREFECT_HOME

    return str(PREFECT_HOME.value())


def registry_paths() -> Tuple[str, str, str]:
    """(blocks.toml, blocks-secrets.toml, blocks/ directory) under the current home."""
    root = home()
    return (
        os.path.join(root, "blocks.toml"),
        os.path.join(root, "blocks-secrets.toml"),
        os.path.join(root, "blocks"),
    )


def block_id(slug: str, public: Dict[str, Any]) -> uuid.UUID:
    """The content-derived id of a block: same type and fields, same id, everywhere."""
    text = json.dumps({"block_type_slug": slug, **public}, sort_keys=True, default=str)
    return uuid.uuid5(_NAMESPACE, text)


def _cached_toml(path: str) -> Dict[str, Any]:
    """The parsed file, re-read only when its size or mtime changed."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return {}
    stamp = (st.st_mtime_ns, st.st_size)
    cached = _TOML_CACHE.get(path)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    data = read_toml(path)
    _TOML_CACHE[path] = (stamp, data)
    return data


def named_blocks() -> Dict[str, Dict[str, Any]]:
    """`{slug: {name: public fields}}` from blocks.toml."""
    return _cached_toml(registry_paths()[0])


def find_named(slug: str, name: str) -> Tuple[Dict[str, Any], Dict[str, Any]] | None:
    """(public, secret) fields of the block saved as `slug/name`, or None."""
    blocks_path, secrets_path, _ = registry_paths()
    public = (_cached_toml(blocks_path).get(slug) or {}).get(name)
    if public is None:
        return None
    secret = (_cached_toml(secrets_path).get(slug) or {}).get(name) or {}
    return dict(public), dict(secret)


def save_named(
    slug: str, name: str, public: Dict[str, Any], secret: Dict[str, Any], overwrite: bool
) -> bool:
    """Write `slug/name`; False (nothing written) if it exists and `overwrite` is off."""
    blocks_path, secrets_path, _ = registry_paths()
    with locked(blocks_path):
        blocks = read_toml(blocks_path)
        if name in (blocks.get(slug) or {}) and not overwrite:
            return False
        secrets = read_toml(secrets_path)
        blocks.setdefault(slug, {})[name] = public
        write_toml(blocks_path, blocks)
        table = secrets.setdefault(slug, {})
        if secret:
            table[name] = secret
        else:
            table.pop(name, None)
        if secret or os.path.exists(secrets_path):
            write_toml(secrets_path, {k: v for k, v in secrets.items() if v})
    return True


def save_anonymous(ident: uuid.UUID, slug: str, public: Dict[str, Any]) -> None:
    """Record the description behind `ident` unless it is already there (same bytes)."""
    directory = registry_paths()[2]
    name = f"{ident}.json"
    if not os.path.exists(os.path.join(directory, name)):
        data = json.dumps({"block_type_slug": slug, **public}, sort_keys=True, default=str)
        LocalStorage(directory).write_bytes(name, data.encode())


def find_anonymous(ident: uuid.UUID) -> Tuple[str, Dict[str, Any]] | None:
    """(slug, public fields) recorded for `ident`, from blocks/<id>.json or blocks.toml."""
    path = os.path.join(registry_paths()[2], f"{ident}.json")
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except FileNotFoundError:
        data = None
    if isinstance(data, dict) and "block_type_slug" in data:
        slug = str(data.pop("block_type_slug"))
        return slug, data
    for slug, table in named_blocks().items():
        for public in (table or {}).values():
            if block_id(slug, dict(public)) == ident:
                return slug, dict(public)
    return None
