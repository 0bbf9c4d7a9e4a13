"""`Block` (`prefect.blocks.core.Block`): typed configuration that can be saved by name.

A block class has a type slug (`"s3"`, `"local-file-system"`, ...), a tuple of fields, and
the subset of them that are secrets (held as `SecretStr`, shown as `'**********'`).
`block.save("name")` records the fields in the local registry under `PREFECT_HOME`
(`blocks.toml`, secrets in `blocks-secrets.toml`); `Block.load("s3/name")` or
`S3.load("name")` builds the block back. There is no API server: see
`prefect_compat._blocks` for the files and why ids are derived from content.
"""

from __future__ import annotations

import importlib
import re
import uuid
from typing import Any, ClassVar, Dict, FrozenSet, Tuple, Type, TypeVar

from prefect_compat import _blocks

__all__ = ["Block", "SecretStr"]

B = TypeVar("B", bound="Block")

_BLOCK_TYPES: Dict[str, Type[Block]] = {}
_BUILTIN_BLOCK_MODULES = ("prefect_compat.filesystems",)
_NAME = re.compile(r"^[a-z0-9-]+$")


class SecretStr:
    """A string that does not show itself: `repr` is `SecretStr('**********')`."""

    __slots__ = ("_secret",)

    def __init__(self, value: str) -> None:
        self._secret = str(value)

    def get_secret_value(self) -> str:
        return self._secret

    def __repr__(self) -> str:
        return f"SecretStr('{self}')"

    def __str__(self) -> str:
        return "**********" if self._secret else ""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SecretStr) and other._secret == self._secret

    def __hash__(self) -> int:
        return hash(self._secret)

    def __len__(self) -> int:
        return len(self._secret)


def as_secret(value: Any) -> SecretStr | None:
    """None, or the value as a SecretStr (accepts text and anything with get_secret_value)."""
    if value is None or isinstance(value, SecretStr):
        return value
    getter = getattr(value, "get_secret_value", None)
    return SecretStr(getter() if callable(getter) else value)


def _block_class(slug: str) -> Type[Block] | None:
    if slug not in _BLOCK_TYPES:
        for module in _BUILTIN_BLOCK_MODULES:
            importlib.import_module(module)
    return _BLOCK_TYPES.get(slug)


class Block:
    """Base class of saveable configuration; subclasses set the slug and their fields."""

    _block_type_slug: ClassVar[str] = ""
    _block_type_name: ClassVar[str] = ""
    _fields: ClassVar[Tuple[str, ...]] = ()
    _secret_fields: ClassVar[FrozenSet[str]] = frozenset()
    _block_document_name: str | None = None
    _id_cache: Tuple[Tuple[Any, ...], uuid.UUID] | None = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        slug = cls.__dict__.get("_block_type_slug")
        if slug:
            _BLOCK_TYPES[slug] = cls

    @classmethod
    def get_block_type_slug(cls) -> str:
        return cls._block_type_slug

    # -- fields -------------------------------------------------------------------------

    def _values(self) -> Tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self._fields)

    def _public(self) -> Dict[str, Any]:
        """Non-secret fields that are set (what the registry and the id are made of)."""
        return {
            name: getattr(self, name)
            for name in self._fields
            if name not in self._secret_fields and getattr(self, name) is not None
        }

    def _secrets(self) -> Dict[str, str]:
        secrets = {name: getattr(self, name) for name in self._secret_fields}
        return {k: v.get_secret_value() for k, v in secrets.items() if v is not None}

    def dict(self) -> Dict[str, Any]:
        out = {name: getattr(self, name) for name in self._fields}
        out["block_type_slug"] = self.get_block_type_slug()
        return out

    @property
    def _block_document_id(self) -> uuid.UUID:
        """The content-derived id: the `storage_block_id` of results written through it."""
        values = self._values()
        cached = self._id_cache
        if cached is None or cached[0] != values:
            cached = (values, _blocks.block_id(self.get_block_type_slug(), self._public()))
            self._id_cache = cached
        return cached[1]

    @property
    def _is_anonymous(self) -> bool:
        return self._block_document_name is None

    # -- registry -----------------------------------------------------------------------

    def save(self, name: str, overwrite: bool = False) -> uuid.UUID:
        """Record this block as `<slug>/<name>` in the local registry; returns its id."""
        if not isinstance(name, str) or not _NAME.match(name):
            raise ValueError(
                f"Block name {name!r} is invalid: name must only contain lowercase letters, "
                "numbers, and dashes."
            )
        slug = self.get_block_type_slug()
        if not _blocks.save_named(slug, name, self._public(), self._secrets(), overwrite):
            raise ValueError(
                "You are attempting to save values with a name that is already in use for "
                "this block type. If you would like to overwrite the values that are saved, "
                f"then save with `overwrite=True`. (block {slug}/{name} in "
                f"{_blocks.registry_paths()[0]})"
            )
        self._block_document_name = name
        return self._block_document_id

    @classmethod
    def load(cls: Type[B], name: str) -> B:
        """The block saved as `name` (`"<slug>/<name>"` when called on `Block` itself)."""
        if cls is Block:
            slug, sep, block_name = str(name).partition("/")
            if not (sep and slug and block_name):
                raise ValueError(
                    f"Block slug {name!r} must look like '<block-type>/<block-name>', "
                    "e.g. 's3/dev-s3-block' or 'local-file-system/my-results'."
                )
        else:
            slug, block_name = cls.get_block_type_slug(), name
        found = _blocks.find_named(slug, block_name)
        target = _block_class(slug)
        if found is None or target is None:
            raise ValueError(
                f"Unable to find block document named {block_name} for block type {slug}. "
                f"prefect-compat keeps saved blocks in {_blocks.registry_paths()[0]}; save one "
                f"first, e.g. {target.__name__ if target else 'LocalFileSystem'}(...)"
                f".save({block_name!r})."
            )
        block = target._from_fields(*found)
        block._block_document_name = block_name
        return block  # type: ignore[return-value]

    @classmethod
    def _from_fields(cls: Type[B], public: Dict[str, Any], secret: Dict[str, Any]) -> B:
        known = set(cls._fields)
        unknown = sorted((set(public) | set(secret)) - known)
        if unknown:
            raise ValueError(
                f"Saved {cls.get_block_type_slug()} block has unknown fields {unknown}; "
                f"{cls.__name__} takes {list(cls._fields)}. Re-save it with this version."
            )
        return cls(**public, **secret)

    # -- value semantics ----------------------------------------------------------------

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and self._values() == other._values()  # type: ignore[attr-defined]

    __hash__ = None  # type: ignore[assignment]  # compared by fields, and mutable

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{type(self).__name__}({fields})"
